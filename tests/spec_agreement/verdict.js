// Prints the reference parser's verdict on one spec as JSON: {"valid": bool, "messages": [...]}.
//   node verdict.js raml|raml08|oas ABSOLUTE_PATH
const [kind, file] = process.argv.slice(2);

async function raml(version) {
  const { WebApiParser } = require('webapi-parser');
  const parser = WebApiParser[version];
  const model = await parser.parse('file://' + file);
  const report = await parser.validate(model);
  const errors = report.results.filter((r) => r.level === 'Violation');
  return { valid: errors.length === 0, messages: errors.map((r) => `${r.location}: ${r.message}`) };
}

async function oas() {
  try {
    await require('@apidevtools/swagger-parser').validate(file);
    return { valid: true, messages: [] };
  } catch (e) {
    return { valid: false, messages: [String(e.message).split('\n')[0]] };
  }
}

(kind === 'oas' ? oas() : raml(kind === 'raml08' ? 'raml08' : 'raml10'))
  .catch((e) => ({ valid: false, messages: [String(e && e.message ? e.message : e).split('\n')[0]] }))
  .then((verdict) => {
    process.stdout.write(JSON.stringify(verdict) + '\n');
    process.exit(0);
  });
