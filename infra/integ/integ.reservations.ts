import { App } from 'aws-cdk-lib';
import { defineReservationsInteg } from './reservations-integ.ts';

// Run with integ-runner (needs an AWS account; see docs/deploy.md "Integration test"):
// npx --yes @aws-cdk/integ-runner@latest --directory infra/integ \
//   --app "node --import tsx {filePath}" --parallel-regions eu-north-1 --update-on-failed
const app = new App();
defineReservationsInteg(app);
app.synth();
