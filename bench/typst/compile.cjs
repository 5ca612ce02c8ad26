// Compiles a Typst file to PDF with the Typst compiler from npm
// (@myriaddreamin/typst-ts-node-compiler), as `typst compile` would: one
// process per document, the system's fonts and the given font folders.
// usage: node compile.cjs NODE_MODULES_PARENT IN.typ OUT.pdf [FONT_DIR]...
'use strict';
const fs = require('fs');
const path = require('path');
const [dir, input, output, ...fontPaths] = process.argv.slice(2);
if (!output) {
  console.error('usage: node compile.cjs DIR IN.typ OUT.pdf [FONT_DIR]...');
  process.exit(2);
}
const { NodeCompiler } = require(path.join(dir, 'node_modules/@myriaddreamin/typst-ts-node-compiler'));
const compiler = NodeCompiler.create({
  workspace: path.dirname(path.resolve(input)),
  fontArgs: [{ fontPaths }],
});
const pdf = compiler.pdf({ mainFileContent: fs.readFileSync(input, 'utf8') });
fs.writeFileSync(output, pdf);
