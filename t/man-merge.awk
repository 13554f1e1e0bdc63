# awk -v frag=FILE -f man-merge.awk BASE: the configuration BASE with each
# top-level section that the fragment FILE has replaced by the fragment's
# (sections BASE lacks are added at the end).
function top(line) {
	if (match(line, /^[a-z_]+:/))
		return substr(line, 1, RLENGTH - 1)
	return ""
}
BEGIN {
	while ((getline line < frag) > 0) {
		if ((k = top(line)) != "") {
			cur = k
			if (!(k in sec))
				order[n++] = k
		}
		if (cur != "")
			sec[cur] = sec[cur] line "\n"
	}
}
{
	if ((k = top($0)) != "") {
		skip = (k in sec)
		if (skip) {
			printf "%s", sec[k]
			done[k] = 1
		}
	}
	if (!skip)
		print
}
END {
	for (i = 0; i < n; i++)
		if (!(order[i] in done))
			printf "%s", sec[order[i]]
}
