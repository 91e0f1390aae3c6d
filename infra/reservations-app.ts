import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readAppSettings } from './app-settings.ts';
import { ReservationsStack } from './reservations-stack.ts';

/**
 * Adds the reservations stack to `app`, configured from context and `RESERVATIONS_*` variables,
 * with cdk-nag's AwsSolutions checks: `app.synth()` (and `cdk synth`) fails on any finding that is
 * not acknowledged with a reason.
 */
export function addReservationsStack(
  app: App,
  environment: Record<string, string | undefined> = process.env,
): ReservationsStack {
  const settings = readAppSettings({
    context: (name) => app.node.tryGetContext(name),
    environment,
  });
  const stage = settings.stage ?? 'dev';
  const stack = new ReservationsStack(
    app,
    settings.stackName ?? `front-payment-reservations-${stage}`,
    {
      settings,
      description: `Front Payment reservations integration (${stage})`,
      // Account and region of the CLI's credentials when there are any; env-agnostic otherwise, so
      // synth works offline without credentials.
      env: {
        ...(environment.CDK_DEFAULT_ACCOUNT ? { account: environment.CDK_DEFAULT_ACCOUNT } : {}),
        ...(environment.CDK_DEFAULT_REGION ? { region: environment.CDK_DEFAULT_REGION } : {}),
      },
      tags: { application: 'front-payment-reservations', stage },
    },
  );
  // cdk-nag 3.x registers as a validation plugin; the v2 `Aspects.of(app).add(...)` style throws.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
