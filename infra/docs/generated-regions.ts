/**
 * Generated regions of a Markdown file: `<!-- generated:name -->…<!-- /generated:name -->`. The
 * text between the markers is replaced; everything else is the author's. A region spanning lines
 * gets its content on lines of its own; one inside a sentence stays inline.
 */
const REGION = /<!-- generated:([\w-]+) -->([\s\S]*?)<!-- \/generated:\1 -->/g;

/** The names of the regions in `text`, in order. */
export function regionNames(text: string): string[] {
  return [...text.matchAll(REGION)].map((match) => match[1] ?? '');
}

/**
 * `text` with each region's content replaced by `contents[name]`. A region the generator does not
 * know throws: a misspelt marker must not silently keep stale text.
 */
export function fillRegions(text: string, contents: Readonly<Record<string, string>>): string {
  return text.replace(REGION, (_whole, name: string, old: string) => {
    const content = contents[name];
    if (content === undefined) {
      throw new Error(
        `No generator for the region "${name}"; known: ${Object.keys(contents).join(', ')}`,
      );
    }
    const block = old.startsWith('\n');
    return `<!-- generated:${name} -->${block ? `\n${content}\n` : content}<!-- /generated:${name} -->`;
  });
}

/** A Markdown table with padded columns, `|` escaped in cells. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cells = [headers, ...rows].map((row) => row.map((cell) => cell.replace(/\|/g, '\\|')));
  const widths = headers.map((_, column) =>
    Math.max(3, ...cells.map((row) => [...(row[column] ?? '')].length)),
  );
  const line = (row: readonly string[]) =>
    `| ${widths.map((width, column) => pad(row[column] ?? '', width)).join(' | ')} |`;
  const [head = [], ...body] = cells;
  return [
    line(head),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...body.map(line),
  ].join('\n');
}

/** Pads by characters, not UTF-16 units, as Markdown formatters count them. */
function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

/** "1 DynamoDB table", "6 log groups". */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
