// Tokenize files with the extension's TextMate grammar in vscode-textmate +
// vscode-oniguruma (the engine VS Code runs), and print JSON on stdout:
//   {"files": {path: [[line, column, text, scope], ...]}}   the invalid.* tokens of each file
//   {"words": {word: scope}}                                  the innermost scope of each --word
// Usage: node tokenize.js GRAMMAR.json [--word W]... FILE...
'use strict';
const fs = require('fs');
const path = require('path');
const oniguruma = require('vscode-oniguruma');
const vsctm = require('vscode-textmate');

async function main(argv) {
  const grammarPath = argv[0];
  const words = [];
  const files = [];
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--word') { words.push(argv[++i]); } else { files.push(argv[i]); }
  }
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath),
  });
  const grammar = await registry.loadGrammar('source.spec');
  const tokenizeLines = (text) => {
    const out = [];
    let state = vsctm.INITIAL;
    text.split('\n').forEach((line, n) => {
      const r = grammar.tokenizeLine(line, state);
      for (const t of r.tokens) {
        out.push([n + 1, t.startIndex + 1, line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]]);
      }
      state = r.ruleStack;
    });
    return out;
  };
  const result = { files: {}, words: {} };
  for (const f of files) {
    result.files[f] = tokenizeLines(fs.readFileSync(f, 'utf8')).filter((t) => t[3].startsWith('invalid'));
  }
  for (const w of words) {
    const tokens = tokenizeLines(w).filter((t) => t[2].trim() !== '');
    result.words[w] = tokens.length ? tokens[0][3] : null;
  }
  process.stdout.write(JSON.stringify(result));
}

main(process.argv.slice(2)).catch((e) => { console.error(e); process.exit(1); });
