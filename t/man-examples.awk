# Print each example command of the EXAMPLES section, "\e" made "\",
# followed by its expected output lines prefixed with "> ", and a line
# "%%" after each.
function quotes_open(s,    i, c, q) {
	q = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (q == "" && (c == "\"" || c == "'"))
			q = c
		else if (c == q)
			q = ""
	}
	return q != ""
}
/^\.Sh / { inex = ($0 == ".Sh EXAMPLES") }
!inex { next }
/^\.Bd -literal/ { lit = 1; next }
/^\.Ed/ { if (cmd != "") { print cmd; printf "%s", out; print "%%" } cmd = ""; out = ""; lit = 0; next }
!lit { next }
{ gsub(/\\e/, "\\") }
cmd != "" && out == "" && (cont || quotes_open(cmd)) {
	cmd = cmd "\n" $0
	cont = ($0 ~ /\\$/ || $0 ~ /\|$/)
	next
}
/^\$ / {
	if (cmd != "") { print cmd; printf "%s", out; print "%%" }
	cmd = substr($0, 3); out = ""
	cont = ($0 ~ /\\$/ || $0 ~ /\|$/)
	next
}
{ out = out "> " $0 "\n" }
