/* fetch.c -- one bounded HTTP GET, for discovery sources that read a URL */
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "buf.h"
#include "fetch.h"
#include "xmalloc.h"

#define CONNECT_MS	5000

static int	curl_ready;

static size_t
fetch_write(char *data, size_t size, size_t n, void *arg)
{
	struct buf	*b = arg;

	/* A short count makes libcurl stop with CURLE_WRITE_ERROR. */
	if (buf_add(b, data, size * n) == -1)
		return 0;
	return size * n;
}

static int
nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

int
fetch_get(const char *url, const struct fetch_opts *fo, struct fetch_answer *fa,
    char **cause)
{
	struct curl_slist *hdrs = NULL;
	struct buf	 body;
	CURL		*e = NULL;
	CURLcode	 cc;
	int		 so = 0;
	char		 errbuf[CURL_ERROR_SIZE];
	const char	*type;
	long		 status = 0;
	int		 rc = -1;

	memset(fa, 0, sizeof(*fa));
	buf_init(&body, FETCH_MAX);
	if (!curl_ready) {
		if ((cc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
			xasprintf(cause, "%s: curl_global_init: %s", url,
			    curl_easy_strerror(cc));
			goto out;
		}
		curl_ready = 1;
	}
	if ((e = curl_easy_init()) == NULL) {
		xasprintf(cause, "%s: curl_easy_init failed", url);
		goto out;
	}
	errbuf[0] = '\0';
	so |= curl_easy_setopt(e, CURLOPT_URL, url);
	so |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	so |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	so |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	so |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	so |= curl_easy_setopt(e, CURLOPT_USERAGENT,
	    nonempty(fo->fo_user_agent) ? fo->fo_user_agent : "vantage");
	so |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)fo->fo_timeout_ms);
	so |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(fo->fo_timeout_ms < CONNECT_MS ? fo->fo_timeout_ms :
	    CONNECT_MS));
	so |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)FETCH_MAX);
	so |= curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	so |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, fetch_write);
	so |= curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
	if (nonempty(fo->fo_ca_file))
		so |= curl_easy_setopt(e, CURLOPT_CAINFO, fo->fo_ca_file);
	if (nonempty(fo->fo_cert_file))
		so |= curl_easy_setopt(e, CURLOPT_SSLCERT, fo->fo_cert_file);
	if (nonempty(fo->fo_key_file))
		so |= curl_easy_setopt(e, CURLOPT_SSLKEY, fo->fo_key_file);
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (nonempty(fo->fo_header))
		hdrs = curl_slist_append(hdrs, fo->fo_header);
	if (hdrs == NULL) {
		xasprintf(cause, "%s: out of memory for headers", url);
		goto out;
	}
	so |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	if (so != CURLE_OK) {
		xasprintf(cause, "%s: cannot set transfer options", url);
		goto out;
	}
	cc = curl_easy_perform(e);
	if (cc == CURLE_WRITE_ERROR || cc == CURLE_FILESIZE_EXCEEDED) {
		xasprintf(cause, "%s: answer larger than %zu MiB", url,
		    FETCH_MAX >> 20);
		goto out;
	}
	if (cc != CURLE_OK) {
		xasprintf(cause, "%s: %s", url, errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		xasprintf(cause, "%s: HTTP %ld", url, status);
		goto out;
	}
	if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &type) != CURLE_OK ||
	    type == NULL)
		type = "";
	fa->fa_type = xstrdup(type);
	fa->fa_status = status;
	fa->fa_body = buf_take(&body, &fa->fa_len);
	rc = 0;
out:
	curl_slist_free_all(hdrs);
	if (e != NULL)
		curl_easy_cleanup(e);
	buf_release(&body);
	return rc;
}

void
fetch_answer_release(struct fetch_answer *fa)
{
	free(fa->fa_body);
	free(fa->fa_type);
	memset(fa, 0, sizeof(*fa));
}
