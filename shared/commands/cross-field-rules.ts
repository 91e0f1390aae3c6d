import * as v from 'valibot';

/**
 * Rules between two optional fields of a command body. Each names one field in its error (an
 * answer names a field, never the object) and is a partial check, so it still runs when other
 * fields fail and its error is never hidden behind theirs. The body's type is taken from the
 * `v.pipe` the rule stands in, so a misspelt field does not compile.
 */
type Rule<TBody> = v.BaseValidation<TBody, TBody, v.BaseIssue<unknown>>;
type Field<TBody> = keyof TBody & string;

/** `field` must not be given together with `other`. */
export function notTogether<TBody extends Record<string, unknown>>(
  field: Field<TBody>,
  other: Field<TBody>,
): Rule<TBody> {
  const message = `must not be given together with ${other}`;
  return ruleOn(field, other, (given) => !(given.field && given.other), message);
}

/** `field` is required when `other` is given. */
export function requiredWith<TBody extends Record<string, unknown>>(
  field: Field<TBody>,
  other: Field<TBody>,
): Rule<TBody> {
  return ruleOn(field, other, (given) => given.field || !given.other, `is required with ${other}`);
}

/** `field` is required unless `other` is given; `message` says what `other` stands for. */
export function requiredUnless<TBody extends Record<string, unknown>>(
  field: Field<TBody>,
  other: Field<TBody>,
  message: string,
): Rule<TBody> {
  return ruleOn(field, other, (given) => given.field || given.other, message);
}

/** Exactly one of `field` and `other` is given; the error names `field`. */
export function exactlyOneOf<TBody extends Record<string, unknown>>(
  field: Field<TBody>,
  other: Field<TBody>,
  message: string,
): Rule<TBody> {
  return ruleOn(field, other, (given) => given.field !== given.other, message);
}

function ruleOn<TBody extends Record<string, unknown>>(
  field: string,
  other: string,
  holds: (given: { readonly field: boolean; readonly other: boolean }) => boolean,
  message: string,
): Rule<TBody> {
  // valibot types paths from a concrete body; here the body is generic, so they are cast.
  const check = v.partialCheck(
    [[field], [other]] as never,
    (body: Record<string, unknown>) =>
      holds({ field: body[field] !== undefined, other: body[other] !== undefined }),
    message,
  ) as unknown as Rule<TBody>;
  return v.forward(check, [field] as never);
}
