/* source.c -- the table of discovery source kinds */
#include <stddef.h>

#include "source.h"

/* The first is discovery.source's default. */
const struct kind *const source_kinds[] = {
	&source_sqlite.sk_kind,
	&source_pgsql.sk_kind,
	&source_static.sk_kind,
	&source_consul.sk_kind,
	&source_file_sd.sk_kind,
	&source_http_sd.sk_kind,
	&source_json.sk_kind,
	NULL
};
