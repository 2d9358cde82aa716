// Prints each failed test of a TRX file with the first lines of its message, so the end of a CI log names the
// failures without the whole console output. Usage: node trx-failures.mjs TestResults/dotnet.trx
import { readFileSync } from 'node:fs';

const trx = readFileSync(process.argv[2], 'utf8');
const decode = (text) => text
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

for (const [result] of trx.matchAll(/<UnitTestResult\b[^>]*\boutcome="(?!Passed|NotExecuted)[^"]*"[\s\S]*?(?:<\/UnitTestResult>|\/>)/g)) {
  const name = decode(result.match(/testName="([^"]*)"/)?.[1] ?? 'unknown test');
  const message = decode(result.match(/<Message>([\s\S]*?)<\/Message>/)?.[1] ?? '').trim();
  const stack = decode(result.match(/<StackTrace>([\s\S]*?)<\/StackTrace>/)?.[1] ?? '').trim();
  console.log(`FAILED ${name}`);
  for (const line of [...message.split('\n').slice(0, 12), ...stack.split('\n').slice(0, 6)]) {
    console.log(`    ${line.trimEnd()}`);
  }
}
