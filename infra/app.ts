import { App } from 'aws-cdk-lib';
import { addReservationsStack } from './reservations-app.ts';

// `npx cdk synth` / `npx cdk deploy -c stage=prod`; settings are listed in infra/app-settings.ts.
const app = new App();
addReservationsStack(app);
app.synth();
