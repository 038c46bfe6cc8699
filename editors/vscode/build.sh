#!/usr/bin/env bash
# Build the VS Code extension into editors/vscode/svc-modelcheck-spec-VERSION.vsix
# with @vscode/vsce from the npm registry (node_modules and the .vsix are not committed).
#   editors/vscode/build.sh && code --install-extension editors/vscode/svc-modelcheck-spec-*.vsix
set -euo pipefail
cd "$(dirname "$0")"
# The grammar is generated from checker/lang/grammar.lark; refuse to package a stale one.
if command -v python3 >/dev/null && python3 -c "import checker" 2>/dev/null; then
  python3 -m checker.lsp.textmate | cmp -s - syntaxes/spec.tmLanguage.json || {
    echo "build.sh: syntaxes/spec.tmLanguage.json is stale; run: python -m checker.lsp.textmate > editors/vscode/syntaxes/spec.tmLanguage.json" >&2
    exit 1; }
fi
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
npx --no-install vsce package --skip-license --allow-missing-repository
ls -1 ./*.vsix
