# Print every literal display (.Bd -literal ... .Ed) of a man page, each
# after a line "%% N" with the page line it starts on, roff escapes made
# plain: "\e" a backslash, "\&" nothing, "\(dq" a double quote.
/^\.Bd -literal/ { lit = 1; print "%% " NR + 1; next }
/^\.Ed/ { lit = 0; next }
!lit { next }
{
	gsub(/\\&/, "")
	gsub(/\\\(dq/, "\"")
	gsub(/\\e/, "\\")
	print
}
