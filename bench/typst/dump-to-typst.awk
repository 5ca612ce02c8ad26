# Rebuilds a report in Typst markup from paiban's dump (`paiban render
# --dump`), for timing Typst on the same document: the same page size and
# text block, the same paragraphs with their fonts and sizes (the dump's
# lines joined again), the same tables with their merged cells and column
# widths, header rows repeated, page numbers.  Typst does its own line
# breaking and pagination; only the content and the geometry are shared.
# Table cells are set in the body font at the tables' size (the dump names
# no font for cells).
# usage: awk -v spans=1 -f dump-to-typst.awk REPORT.dump > REPORT.typ
#   spans=1: table.cell with rowspan/colspan and table.header (Typst 0.11+);
#   spans=0: merged cells written as one cell and empty ones (Typst 0.10).

function family(ps,    f) {
    f = ps
    sub(/-(Regular|Bold|Medium|Light|Heavy|Black)$/, "", f)
    if (f ~ /^NotoSerifCJK/) return "Noto Serif CJK SC"
    if (f ~ /^NotoSansCJK/) return "Noto Sans CJK SC"
    if (f == "FandolFang") return "FandolFang R"  # its typographic family
    return f
}
function weight(ps) { return ps ~ /-Bold$/ ? "bold" : "regular" }
function num(s) { sub(/^[a-z]+=/, "", s); return s + 0 }
# The quoted text at the end of a dump line, unescaped.
function quoted(line,    s, out, i, c) {
    s = substr(line, index(line, "\"") + 1)
    s = substr(s, 1, length(s) - 1)
    out = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\\") { i++; c = substr(s, i, 1) }
        out = out c
    }
    return out
}
# A Typst string literal.
function str(s) {
    gsub(/\\/, "\\\\", s)
    gsub(/"/, "\\\"", s)
    return "\"" s "\""
}

function flush_para(    i, out, indent, centred, right) {
    if (np == 0) return
    out = ""
    for (i = 1; i <= nrun; i++)
        if (rtext[i] == "\n") out = out "#linebreak()"
        else out = out sprintf("#text(font: %s, weight: \"%s\", size: %spt, %s)",
                          str(family(rfont[i])), weight(rfont[i]), rsize[i], str(rtext[i]))
    indent = pfirst_x - left
    right = left + textw - (pfirst_x + pfirst_w)
    centred = indent > 1 && (indent - right < 2 && right - indent < 2) && plines == 1
    if (ptitle || centred)
        printf "#align(center)[%s]\n\n", out
    else if (indent > 1)
        printf "#par(first-line-indent: %.2fpt)[%s]\n\n", indent, out
    else
        printf "#par(first-line-indent: 0pt)[%s]\n\n", out
    np = 0; nrun = 0; plines = 0
}

function flush_table(    r, c, k, cols, out, line, rs, cs, hdr) {
    if (!tpath) return
    cols = 0
    for (k in cell_text) {
        split(k, rc, SUBSEP)
        if (rc[2] + cell_cs[k] > cols) cols = rc[2] + cell_cs[k]
    }
    out = "("
    for (c = 0; c < cols; c++) out = out (c ? ", " : "") (colw[c] ? colw[c] "pt" : "1fr")
    out = out ")"
    printf "#block(width: 100%%, {\nset text(size: %spt)\nset par(first-line-indent: 0pt, justify: false, leading: 0.3em)\n", table_size
    printf "table(columns: %s, align: center + horizon, inset: 2pt, stroke: 0.5pt,\n", out
    delete covered
    hdr = 0
    for (r = 0; r <= maxrow; r++) {
        if (spans && r in header_row && !hdr) { printf "table.header(\n"; hdr = 1 }
        if (spans && hdr == 1 && !(r in header_row)) { printf "),\n"; hdr = 2 }
        for (c = 0; c < cols; c++) {
            k = r SUBSEP c
            if (k in cell_text) {
                rs = cell_rs[k]; cs = cell_cs[k]
                if (spans && (rs > 1 || cs > 1))
                    printf "table.cell(rowspan: %d, colspan: %d, %s),\n", rs, cs, "[" "#" str(cell_text[k]) "]"
                else
                    printf "[#%s],\n", str(cell_text[k])
                for (i = 0; i < rs; i++) for (j = 0; j < cs; j++) if (i || j) covered[r + i, c + j] = 1
            } else if (!spans || !((r, c) in covered)) {
                if (!((r, c) in covered) || !spans) printf "[],\n"
            }
        }
    }
    if (hdr == 1) printf "),\n"
    printf ")})\n\n"
    delete cell_text; delete cell_rs; delete cell_cs; delete colw; delete header_row
    delete seen_in_piece; delete pieces_of_row
    maxrow = 0; tpath = ""
}

BEGIN { left = -1; textw = 0; top = -1; np = 0; nrun = 0; table_size = 10.5 }

# First pass (the file is read twice): the text block and the body size.
FNR == NR {
    if ($1 == "page" && !pw) { split($3, wh, "x"); pw = wh[1]; ph = wh[2] }
    if ($1 == "line" && $NF != "styles.page_number" && $6 !~ /^styles\./) {
        x = num($4); w = num($5); y = num($2)
        if (left < 0 || x < left) left = x
        if (x + w > right_edge) right_edge = x + w
        if (top < 0 || y < top) top = y
    }
    if ($0 ~ /^  / && $1 != "cell" && $1 != "rule" && $1 != "link") size_count[$2]++
    next
}
FNR == 1 {
    textw = right_edge - left
    best = 0
    for (s in size_count) if (size_count[s] > best) { best = size_count[s]; body = s }
    printf "#set page(width: %spt, height: %spt, margin: (left: %.2fpt, right: %.2fpt, top: %.2fpt, bottom: 99.21pt),\n", pw, ph, left, pw - left - textw, top
    printf "  numbering: \"— 1 —\", number-align: right + bottom)\n"
    printf "#set text(lang: \"zh\", region: \"cn\", font: \"FandolFang R\", size: %spt)\n", body
    printf "#set par(justify: true, leading: %.2fpt)\n\n", body * 0.81
}

$1 == "page" { next }
$1 == "outline" { next }
$1 == "line" {
    path = $6
    if (path ~ /^styles\./) { skip = 1; next }
    skip = 0
    x = num($4); w = num($5)
    base = path; sub(/\.text(\[[0-9]+\])?$/, "", base)
    if (path != cur_path) {
        # a title's pieces are separate lines of one centred block
        if (!(cur_base == base && path ~ /^body\[[0-9]+\]\.text\[[0-9]+\]$/) || nrun == 0) {
            flush_para()
        } else {
            nrun++; rtext[nrun] = "\n"
        }
        if (base != tpath) flush_table()
        cur_path = path; cur_base = base
        pfirst_x = x; pfirst_w = w
        ptitle = path ~ /^body\[[0-9]+\]\.text\[[0-9]+\]$/
    }
    piece++
    plines++
    np++
    next
}
skip { next }
$1 == "cell" {
    np = 0; nrun = 0; plines = 0
    tpath = base
    r = substr($2, 2) + 0; c = substr($3, 2) + 0
    split($4, sp, "x")
    k = r SUBSEP c
    if ((k in seen_in_piece) && seen_in_piece[k] != piece) header_row[r] = 1
    seen_in_piece[k] = piece
    if (!(k in cell_text) || $0 !~ /cut-top/) {
        cell_text[k] = quoted($0)
        cell_rs[k] = sp[1]; cell_cs[k] = sp[2]
    }
    if (sp[2] == 1 && !(c in colw)) colw[c] = num($7)
    if (r + sp[1] - 1 > maxrow) maxrow = r + sp[1] - 1
    next
}
$1 == "link" || $1 == "rule" { next }
/^  / {
    # a run: FONT SIZE [bold] x=X "text"
    t = quoted($0)
    if (nrun > 0 && rfont[nrun] == $1 && rsize[nrun] == $2 && rtext[nrun] != "\n") {
        rtext[nrun] = rtext[nrun] t
    } else {
        nrun++; rfont[nrun] = $1; rsize[nrun] = $2; rtext[nrun] = t
    }
    next
}
END { flush_para(); flush_table() }
