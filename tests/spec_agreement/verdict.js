// Prints the reference parser's verdict on specs as JSON: {"valid": bool, "messages": [...]}.
//   node verdict.js raml|raml08|oas ABSOLUTE_PATH        one spec, one line
//   node verdict.js --batch < LINES                      "KIND<TAB>ABSOLUTE_PATH" lines in, one
//                                                        {"path", "valid", "messages"} line out each
const readline = require('readline');

async function raml(version, file) {
  const { WebApiParser } = require('webapi-parser');
  const parser = WebApiParser[version];
  const model = await parser.parse('file://' + file);
  const report = await parser.validate(model);
  const errors = report.results.filter((r) => r.level === 'Violation');
  return { valid: errors.length === 0, messages: errors.map((r) => `${r.location}: ${r.message}`) };
}

async function oas(file) {
  try {
    await require('@apidevtools/swagger-parser').validate(file);
    return { valid: true, messages: [] };
  } catch (e) {
    return { valid: false, messages: [String(e.message).split('\n')[0]] };
  }
}

function verdict(kind, file) {
  return (kind === 'oas' ? oas(file) : raml(kind === 'raml08' ? 'raml08' : 'raml10', file))
    .catch((e) => ({ valid: false, messages: [String(e && e.message ? e.message : e).split('\n')[0]] }));
}

async function batch() {
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [kind, file] = line.split('\t');
    if (!file) continue;
    const result = await verdict(kind, file);
    process.stdout.write(JSON.stringify({ path: file, ...result }) + '\n');
  }
}

const [kind, file] = process.argv.slice(2);
(kind === '--batch' ? batch() : verdict(kind, file).then((v) => process.stdout.write(JSON.stringify(v) + '\n')))
  .then(() => process.exit(0));
