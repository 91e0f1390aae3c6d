import { readFileSync } from 'node:fs';

/** One prop of the construct, as its JSDoc describes it. */
export interface PropDoc {
  readonly name: string;
  readonly type: string;
  /** The JSDoc text without its tags, on one line. */
  readonly description: string;
  /** The `@default` tag's text. */
  readonly defaultValue: string;
}

const SOURCE = new URL('../front-payment-reservations.ts', import.meta.url);

/**
 * The props of `FrontPaymentReservationsProps` with their JSDoc, read from the source. The file is
 * Biome-formatted, so each prop is a JSDoc block followed by `readonly name?: Type;`. A prop
 * without JSDoc, or a line this reader does not understand, throws: the table must list them all.
 */
export function constructProps(
  source = readFileSync(SOURCE, 'utf8'),
  interfaceName = 'FrontPaymentReservationsProps',
): PropDoc[] {
  const start = source.indexOf(`export interface ${interfaceName} {`);
  if (start === -1) throw new Error(`interface ${interfaceName} not found`);
  const end = source.indexOf('\n}\n', start);
  const body = source.slice(source.indexOf('{', start) + 1, end);
  const props: PropDoc[] = [];
  const prop = /\/\*\*([\s\S]*?)\*\/\s*readonly (\w+)\??: ([^;]+);/g;
  for (const match of body.matchAll(prop)) {
    const [, jsDoc = '', name = '', type = ''] = match;
    const lines = jsDoc
      .split('\n')
      .map((line) => line.replace(/^\s*\*\s?/, '').trim())
      .filter(Boolean);
    const tagAt = lines.findIndex((line) => line.startsWith('@'));
    const text = tagAt === -1 ? lines : lines.slice(0, tagAt);
    const defaultTag = lines.slice(tagAt === -1 ? lines.length : tagAt).join(' ');
    const defaultValue = /@default\s+(?:- )?(.*?)(?=\s@\w|$)/.exec(defaultTag)?.[1] ?? '';
    props.push({
      name,
      type: type.replace(/\s+/g, ' ').trim(),
      description: text.join(' '),
      defaultValue,
    });
  }
  const declared = body.match(/^\s*readonly \w+\??:/gm)?.length ?? 0;
  if (declared !== props.length) {
    throw new Error(
      `${interfaceName} declares ${declared} props but ${props.length} have JSDoc: document each`,
    );
  }
  return props;
}
