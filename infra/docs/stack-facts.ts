import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { SynthesisedStack, TemplateJson } from './synth-stack.ts';

/** What the docs say about the deployed stack, read from the synthesised template. */
export interface StackFacts {
  /** Resources of each CloudFormation type, e.g. `AWS::CloudWatch::Alarm`. */
  readonly counts: Readonly<Record<string, number>>;
  readonly alarms: readonly AlarmFact[];
  readonly routes: readonly RouteFact[];
  readonly outputs: readonly { readonly name: string; readonly description: string }[];
  readonly functions: readonly FunctionFact[];
  /** Distinct custom metrics the log metric filters publish (each billed as a custom metric). */
  readonly customMetrics: readonly string[];
}

export interface AlarmFact {
  /** The alarm's id in `ReservationsOperations` (also in its generated name). */
  readonly name: string;
  /** What is measured, e.g. "`Errors` of `callback`". */
  readonly metric: string;
  /** e.g. "Sum ≥ 1 in 5 min". */
  readonly condition: string;
  /** CloudWatch's `TreatMissingData`: `notBreaching` or `breaching`. */
  readonly missingData: string;
  readonly description: string;
}

export interface RouteFact {
  /** `METHOD /path`, as API Gateway names it. */
  readonly routeKey: string;
  /** `AWS_IAM`, `JWT` or `NONE`. */
  readonly authorization: string;
  /** The function the route invokes. */
  readonly functionName: string;
  /** e.g. "20 req/s, burst 40", or the stage default. */
  readonly throttle: string;
}

export interface FunctionFact {
  readonly name: string;
  readonly description: string;
  /** Its schedule rule's expression (`rate(1 minute)`), for the scheduled ones. */
  readonly schedule?: string;
}

type Json = Record<string, unknown>;

const COMPARISONS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

export function stackFacts({ stack, template }: SynthesisedStack): StackFacts {
  const owners = ownerNames(stack);
  const ownerOf = (reference: unknown) => {
    const id = referencedId(reference);
    return (id && owners.get(id)) ?? JSON.stringify(reference);
  };
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) =>
    resources
      .filter(([, resource]) => resource.Type === type)
      .map(([id, resource]) => [id, (resource.Properties ?? {}) as Json] as const);

  const counts: Record<string, number> = {};
  for (const [, resource] of resources) counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;

  const metricFilters = ofType('AWS::Logs::MetricFilter').map(([, filter]) => {
    const [transformation] = filter.MetricTransformations as Json[];
    return {
      metricName: String(transformation?.MetricName),
      metricValue: String(transformation?.MetricValue),
      pattern: String(filter.FilterPattern),
      owner: ownerOf(filter.LogGroupName),
    };
  });

  const alarms = Object.entries(stack.reservations.operations.alarms).map(([name, alarm]) => {
    const properties = template.Resources[logicalIdOf(alarm)]?.Properties as Json;
    const metricName = String(properties.MetricName);
    const namespace = String(properties.Namespace);
    const dimension = (properties.Dimensions as Json[] | undefined)?.[0];
    let metric: string;
    if (namespace === 'AWS/Lambda')
      metric = `\`${metricName}\` of \`${ownerOf(dimension?.Value)}\``;
    else if (namespace === 'AWS/ApiGateway') metric = `\`${metricName}\` of the HTTP API`;
    else {
      const filters = metricFilters.filter((filter) => filter.metricName === metricName);
      const value =
        filters[0]?.metricValue === '1' ? 'count of' : `\`${filters[0]?.metricValue}\` of`;
      const where = [...new Set(filters.map((filter) => `\`${filter.owner}\``))].join(' and ');
      const patterns = [...new Set(filters.map((filter) => `\`${filter.pattern}\``))].join(', ');
      metric = `\`${metricName}\`: ${value} ${where} log lines ${patterns}`;
    }
    const comparison =
      COMPARISONS[String(properties.ComparisonOperator)] ?? properties.ComparisonOperator;
    return {
      name,
      metric,
      condition: `${properties.Statistic} ${comparison} ${properties.Threshold} in ${Number(properties.Period) / 60} min`,
      missingData: String(properties.TreatMissingData),
      description: String(properties.AlarmDescription),
    };
  });

  const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0] ?? [];
  const routeSettings = (stage?.RouteSettings ?? {}) as Record<string, Json>;
  const stageThrottle = (stage?.DefaultRouteSettings ?? {}) as Json;
  const integrations = new Map(ofType('AWS::ApiGatewayV2::Integration'));
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => {
    const routeKey = String(route.RouteKey);
    const integrationId = referencedId(route.Target);
    const integration = integrationId ? integrations.get(integrationId) : undefined;
    const own = routeSettings[routeKey];
    const limits = own ?? stageThrottle;
    return {
      routeKey,
      authorization: String(route.AuthorizationType),
      functionName: ownerOf(integration?.IntegrationUri),
      throttle: `${limits.ThrottlingRateLimit} req/s, burst ${limits.ThrottlingBurstLimit}${own ? '' : ' (stage default)'}`,
    };
  });

  const schedules = new Map(
    ofType('AWS::Events::Rule')
      .filter(([, rule]) => rule.ScheduleExpression)
      .flatMap(([, rule]) =>
        (rule.Targets as Json[]).map((target) => [
          ownerOf(target.Arn),
          String(rule.ScheduleExpression),
        ]),
      ),
  );
  const functions = ofType('AWS::Lambda::Function').map(([id, fn]) => {
    const name = owners.get(id) ?? id;
    const schedule = schedules.get(name);
    return { name, description: String(fn.Description), ...(schedule ? { schedule } : {}) };
  });

  const outputs = Object.entries(template.Outputs ?? {}).map(([name, output]) => ({
    name,
    description: output.Description ?? '',
  }));
  const customMetrics = [...new Set(metricFilters.map((filter) => filter.metricName))];
  return { counts, alarms, routes, outputs, functions, customMetrics };
}

export function count(facts: StackFacts, type: string): number {
  return facts.counts[type] ?? 0;
}

function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/**
 * Logical id -> the name of the construct it belongs to, directly below the
 * `FrontPaymentReservations` construct: `create-session` for its function, role and log group.
 */
function ownerNames(stack: Stack): Map<string, string> {
  const names = new Map<string, string>();
  const root = (stack as { reservations?: IConstruct }).reservations as IConstruct;
  for (const child of root.node.findAll()) {
    if (!Stack.isStack(child) && 'logicalId' in child) {
      const relative = child.node.path.slice(root.node.path.length + 1);
      names.set(stack.getLogicalId(child as CfnElement), relative.split('/')[0] ?? relative);
    }
  }
  return names;
}

/** The logical id in `{ Ref }`, `{ Fn::GetAtt }` or an `integrations/{Ref}` join. */
function referencedId(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const json = value as Json;
  if (typeof json.Ref === 'string') return json.Ref;
  const getAtt = json['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[0]);
  const join = json['Fn::Join'];
  if (Array.isArray(join)) {
    for (const part of join[1] as unknown[]) {
      const id = referencedId(part);
      if (id) return id;
    }
  }
  return undefined;
}

export type { TemplateJson };
