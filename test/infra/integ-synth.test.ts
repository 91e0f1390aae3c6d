import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  defineReservationsInteg,
  INTEG_CALLBACK_SECRET,
  INTEG_RESERVATION_UUID,
  INTEG_TOKEN,
  type ReservationsInteg,
} from '../../infra/integ/reservations-integ.ts';
import { appWithoutBundling } from './support/synth.ts';

// The integration test needs an AWS account, so it is not run here; this proves it synthesises
// and that its assertions are the ones docs/deploy.md describes.
describe('integ-tests-alpha definition', () => {
  let integ: ReservationsInteg;
  let assertions: Template;
  let testStack: Template;
  beforeAll(() => {
    const app = appWithoutBundling();
    integ = defineReservationsInteg(app);
    const assembly = app.synth();
    const assertStack = app.node
      .findAll()
      .find((construct) => Stack.isStack(construct) && construct !== integ.stack) as Stack;
    expect(assembly.stacks.map((stack) => stack.stackName)).toContain(assertStack.stackName);
    assertions = Template.fromStack(assertStack);
    testStack = Template.fromStack(integ.stack);
  });

  it('invokes create-session and expects a 201 with the stub reservation', () => {
    const calls = Object.values(
      assertions.findResources('Custom::DeployAssert@SdkCallLambdainvoke'),
    );
    const create = calls.find((call) => JSON.stringify(call).includes('createsession'));
    expect(create?.Properties.expected).toContain('"statusCode":201');
    expect(create?.Properties.expected).toContain(INTEG_RESERVATION_UUID);
  });

  it('sends a signed callback and expects 200', () => {
    const calls = Object.values(
      assertions.findResources('Custom::DeployAssert@SdkCallLambdainvoke'),
    );
    const callback = calls.find((call) => JSON.stringify(call).includes('signedcallbacksender'));
    expect(JSON.parse(callback?.Properties.parameters.Payload)).toBe(
      JSON.stringify({ orderUuid: INTEG_RESERVATION_UUID, status: 'RESERVED', amount: '1120' }),
    );
    expect(callback?.Properties.expected).toContain('"statusCode":200');
  });

  it('waits until the RESERVED event reaches the SQS queue', () => {
    const [receive] = Object.values(
      assertions.findResources('Custom::DeployAssert@SdkCallSQSreceiveMessage'),
    );
    const expected = receive?.Properties.expected as string;
    expect(expected).toContain('"detail-type":"Reservation Status Changed"');
    expect(expected).toContain('"status":"RESERVED"');
    expect(receive?.Properties.stateMachineArn).toBeDefined();
    assertions.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });

  it('routes RESERVED events to the queue through onStatus', () => {
    const queueId = integ.stack.getLogicalId(integ.queue.node.defaultChild as CfnQueue);
    testStack.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['frontpayment.reservations'],
        'detail-type': ['Reservation Status Changed'],
        detail: { status: ['RESERVED'] },
      },
      Targets: [{ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] }, Id: 'Target0' }],
    });
  });

  it('is a throw-away stack: integ-runner deletes its tables and logs with it', () => {
    expect(integ.reservations.throwAway).toBe(true);
    for (const type of ['AWS::DynamoDB::Table', 'AWS::Logs::LogGroup', 'AWS::Events::Archive']) {
      for (const resource of Object.values(testStack.findResources(type))) {
        expect({ type, deletionPolicy: resource.DeletionPolicy }).toEqual({
          type,
          deletionPolicy: 'Delete',
        });
      }
    }
  });

  it('points create-session at the stub and gives both sides the same test secrets', () => {
    const secrets = Object.values(testStack.findResources('AWS::SecretsManager::Secret')).map(
      (secret) => secret.Properties.SecretString,
    );
    expect(secrets.sort()).toEqual([INTEG_CALLBACK_SECRET, INTEG_TOKEN].sort());
    testStack.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          EXPECTED_TOKEN: INTEG_TOKEN,
          RESERVATION_UUID: INTEG_RESERVATION_UUID,
          SERVICE_NAME: 'front-payment-stub',
          LOG_LEVEL: 'INFO',
        },
      },
    });
  });
});
