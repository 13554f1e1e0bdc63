/* fetch.c -- one bounded HTTP GET, for discovery sources that read a URL */

/*
 * Copyright (c) 2026 The vantage authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "buf.h"
#include "cidr.h"
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

/* The deny list and why it refused a connect. */
struct fetch_deny {
	struct denylist	 fd_list;
	char		 fd_why[160];
};

static curl_socket_t
fetch_opensocket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct fetch_deny *fd = arg;

	if (denylist_check(&fd->fd_list, "denied by crawl.deny", &a->addr,
	    fd->fd_why, sizeof(fd->fd_why)))
		return CURL_SOCKET_BAD;
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static int
nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

static int
fetch_do(const char *url, const struct fetch_opts *fo, const void *post,
    size_t postlen, struct fetch_answer *fa, char **cause)
{
	struct curl_slist *hdrs = NULL;
	struct buf	 body;
	struct fetch_deny fd;
	CURL		*e = NULL;
	CURLcode	 cc;
	int		 so = 0;
	char		 errbuf[CURL_ERROR_SIZE];
	const char	*type;
	long		 status = 0;
	size_t		 i;
	int		 rc = -1;

	memset(fa, 0, sizeof(*fa));
	memset(&fd, 0, sizeof(fd));
	buf_init(&body, FETCH_MAX);
	if (denylist_init(&fd.fd_list, "crawl.deny", fo->fo_deny,
	    fo->fo_ndeny) == -1) {
		xasprintf(cause, "%s: crawl.deny: invalid range", url);
		goto out;
	}
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
	so |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	so |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	so |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, fetch_opensocket);
	so |= curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &fd);
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
	for (i = 0; i < fo->fo_nheaders; i++)
		hdrs = curl_slist_append(hdrs, fo->fo_headers[i]);
	if (post != NULL) {
		so |= curl_easy_setopt(e, CURLOPT_POST, 1L);
		so |= curl_easy_setopt(e, CURLOPT_POSTFIELDS, post);
		so |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)postlen);
	}
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
	if (cc == CURLE_COULDNT_CONNECT && fd.fd_why[0] != '\0') {
		xasprintf(cause, "%s: %s", url, fd.fd_why);
		goto out;
	}
	if (cc != CURLE_OK) {
		xasprintf(cause, "%s: %s", url, errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	fa->fa_status = status;
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
	denylist_release(&fd.fd_list);
	return rc;
}

int
fetch_get(const char *url, const struct fetch_opts *fo, struct fetch_answer *fa,
    char **cause)
{
	return fetch_do(url, fo, NULL, 0, fa, cause);
}

int
fetch_post(const char *url, const struct fetch_opts *fo, const void *body,
    size_t len, struct fetch_answer *fa, char **cause)
{
	return fetch_do(url, fo, body, len, fa, cause);
}

void
fetch_answer_release(struct fetch_answer *fa)
{
	free(fa->fa_body);
	free(fa->fa_type);
	memset(fa, 0, sizeof(*fa));
}
