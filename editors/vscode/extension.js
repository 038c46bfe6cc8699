// The VS Code client of `verify lsp`: starts the server over stdio for .spec
// files.  Everything else (diagnostics, hover, definitions, rename, outline,
// completion, the "check"/"prove" code lenses and their progress) comes from
// the server; VS Code routes the lenses' commands back to it.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function makeClient() {
  const config = vscode.workspace.getConfiguration('svcSpec');
  const command = config.get('server.command', 'verify');
  const args = config.get('server.args', ['lsp']);
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'svc-spec' }, { scheme: 'untitled', language: 'svc-spec' }],
  };
  return new LanguageClient('svcSpec', 'Spec (svc-modelcheck)', serverOptions, clientOptions);
}

async function activate(context) {
  client = makeClient();
  context.subscriptions.push(vscode.commands.registerCommand('svcSpec.restartServer', async () => {
    if (client) { await client.stop(); }
    client = makeClient();
    await client.start();
  }));
  await client.start();
}

async function deactivate() {
  if (client) { await client.stop(); }
}

module.exports = { activate, deactivate };
