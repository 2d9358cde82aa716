// The web UI's scripts are ES modules to Node as they are to browsers: the unit tests load them without a warning.
// Run: node --test SecretShare.Tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const scripts = fileURLToPath(new URL('../../SecretShare.Api/wwwroot/js/', import.meta.url));

/** The package.json that decides how Node reads a file: the nearest one above it. */
function nearestPackageJson(directory) {
  for (let current = directory; ; current = dirname(current)) {
    const candidate = join(current, 'package.json');
    if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, 'utf8'));
    if (dirname(current) === current) return undefined;
  }
}

test('the web UI scripts lie under a package.json that declares ES modules (and none is in wwwroot)', () => {
  assert.equal(nearestPackageJson(scripts)?.type, 'module');
  assert.ok(!existsSync(join(scripts, '..', 'package.json')) && !existsSync(join(scripts, 'package.json')));
});

for (const name of ['api.js', 'files.js', 'i18n.js', 'protocol.js', 'qr.js', 'receipt.js', 'request-protocol.js', 'ui.js', 'wordlist.js']) {
  test(`${name} loads in Node without a warning`, () => {
    const url = pathToFileURL(join(scripts, name)).href;
    const run = spawnSync(process.execPath, ['--input-type=module', '--eval', `await import(${JSON.stringify(url)});`], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
  });
}

test('every web UI script is covered above', () => {
  const pages = ['create.js', 'inbox.js', 'request.js', 'respond.js', 'status.js', 'view.js']; // they start the page on load, so Node cannot import them without a DOM
  assert.deepEqual(readdirSync(scripts).filter((f) => f.endsWith('.js')).sort(), ['api.js', 'files.js', 'i18n.js', 'protocol.js', 'qr.js', 'receipt.js', 'request-protocol.js', 'ui.js', 'wordlist.js', ...pages].sort());
});

test('the vendored i18next is the npm package\'s ES module build, unchanged, with its licence', () => {
  const lib = new URL('../../SecretShare.Api/wwwroot/lib/i18next/', import.meta.url);
  const npm = new URL('../../node_modules/i18next/', import.meta.url);
  assert.equal(readFileSync(new URL('i18next.js', lib), 'utf8'), readFileSync(new URL('dist/esm/i18next.js', npm), 'utf8'));
  assert.equal(readFileSync(new URL('LICENSE', lib), 'utf8'), readFileSync(new URL('LICENSE', npm), 'utf8'));
});
