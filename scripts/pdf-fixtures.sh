#!/bin/sh
# Makes the PDF fixtures in tests/fixtures/pdf from the HTML beside them, with
# headless Chromium (`CHROMIUM` or `chromium` on the PATH), plus an image-only
# "scan" and an encrypted file. Run from the repository's root; commit the PDFs.
set -eu
dir=tests/fixtures/pdf
chromium=${CHROMIUM:-chromium}
print() { "$chromium" --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf="$2" "$1" 2>/dev/null; }
for name in one-column two-columns footnotes; do
    print "$dir/$name.html" "$dir/$name.pdf"
done

# A scan: a page holding only a picture of its words.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/text.html" <<'HTML'
<!doctype html><html><body style="margin:0;font:28px serif;background:#fff"><p style="margin:20px">A page that was scanned: only a picture of its words.</p></body></html>
HTML
"$chromium" --headless --no-sandbox --hide-scrollbars --window-size=800,90 --screenshot="$tmp/scan.png" "$tmp/text.html" 2>/dev/null
printf '<!doctype html><html><body style="margin:0"><img alt="" src="data:image/png;base64,%s"></body></html>' \
    "$(base64 -w0 "$tmp/scan.png")" > "$tmp/scan.html"
print "$tmp/scan.html" "$dir/scan.pdf"

# An encrypted file: the Standard security handler with a user password nobody knows.
python3 - "$dir/encrypted.pdf" <<'PY'
import sys
objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    b"<< /Length 44 >>\nstream\n" + bytes(range(0x41, 0x41 + 44)) + b"\nendstream",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <" + b"6a" * 32 + b"> /U <" + b"3c" * 32 + b"> >>",
]
out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
offsets = []
for i, body in enumerate(objs, 1):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offsets:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open(sys.argv[1], "wb").write(out)
PY
ls -l "$dir"
