// pdf.js (pdfjs-dist, in node) reads a paiban PDF's structure tree page by
// page (getStructTree) and the text of each marked-content sequence
// (getTextContent with includeMarkedContent), and checks that the tree has
// the headings, a table with header cells, and the text in reading order.
// usage: node struct.mjs FILE.pdf HEADING TABLE-HEADER-CELL TEXT...
// Prints "N passed, M failed"; exits 1 on a failure.
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const [file, heading, headerCell, ...texts] = process.argv.slice(2);
let passed = 0, failed = 0;
function check(ok, what) {
  if (ok) passed++;
  else { failed++; console.log("FAIL: " + what); }
}

const doc = await getDocument({ url: file, useSystemFonts: false, isEvalSupported: false }).promise;
const roles = new Map();           // role -> count
const headings = [];               // texts of H1..H4 and Title
let thInTable = 0, tables = 0;
let all = "";                      // text of the tree, in order

function textOf(node, content) {
  if (node.type === "content") return content.get(node.id) || "";
  return (node.children || []).map((c) => textOf(c, content)).join("");
}

function walk(node, content, inTable) {
  if (node.role) roles.set(node.role, (roles.get(node.role) || 0) + 1);
  if (/^(H[1-6]|Title)$/.test(node.role)) headings.push(textOf(node, content));
  if (node.role === "Table") tables++;
  if (node.role === "TH" && inTable && textOf(node, content) === headerCell) thInTable++;
  if (node.type === "content") all += content.get(node.id) || "";
  for (const c of node.children || []) walk(c, content, inTable || node.role === "Table");
}

for (let i = 1; i <= doc.numPages; i++) {
  const page = await doc.getPage(i);
  const tree = await page.getStructTree();
  check(tree && tree.children && tree.children.length > 0, `page ${i}: a structure tree`);
  // the text of each marked-content id
  const tc = await page.getTextContent({ includeMarkedContent: true });
  const content = new Map();
  const stack = [];
  for (const it of tc.items) {
    if (it.type === "beginMarkedContentProps" || it.type === "beginMarkedContent") {
      stack.push(it.id || null);
    } else if (it.type === "endMarkedContent") {
      stack.pop();
    } else if (it.str !== undefined) {
      const id = stack.length ? stack[stack.length - 1] : null;
      if (id) content.set(id, (content.get(id) || "") + it.str);
    }
  }
  if (tree) walk(tree, content, false);
}

const flat = all.replace(/\s+/g, "");
check(roles.get("Document") > 0, "a Document element");
check(headings.some((h) => h.replace(/\s+/g, "") === heading), `a heading "${heading}"`);
check(tables > 0, "a Table");
check(thInTable === 1, `a TH "${headerCell}" in a table (${thInTable})`);
let at = 0;
for (const t of texts) {
  const hit = flat.indexOf(t.replace(/\s+/g, ""), at);
  check(hit >= 0, `the text, in order: ${t}`);
  if (hit >= 0) at = hit + t.length;
}
console.log(`roles: ${[...roles].map(([r, n]) => r + " " + n).join(", ")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
