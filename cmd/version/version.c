/*
 * version -- px's version, its command count, the libraries it was built
 * with and the build flags.
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <libssh2.h>
#include <sqlite3.h>
#include <tickit.h>

#include "cli.h"
#include "json.h"

static const struct px_opt opts[] = {
	{ 'j', "json", NULL, "print JSON" },
	PX_OPT_END
};

PX_COMMAND(version, "show the version of px, its libraries and build",
    opts, NULL, NULL);

#if defined(__clang__)
#define COMPILER "clang"
#elif defined(__GNUC__)
#define COMPILER "gcc"
#else
#define COMPILER "cc"
#endif
#define STR_(x) #x
#define STR(x) STR_(x)
#define TICKIT_VER STR(TICKIT_VERSION_MAJOR) "." STR(TICKIT_VERSION_MINOR) \
	"." STR(TICKIT_VERSION_PATCH)

int
version_main(int argc, char **argv)
{
	const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
	struct buf b = { 0 };
	struct jw w;
	size_t ncmd;
	int ch, json = 0;
	struct px_getopt g;

	px_getopt_init(&g, &px_cmd_version, argc, argv);
	while ((ch = px_getopt(&g)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		default:
			px_usage(&px_cmd_version);
		}
	}
	if (g.ind != argc)
		px_usage(&px_cmd_version);
	{
		const struct px_command *const *all = px_command_list(&ncmd);
		size_t k = 0;

		for (size_t i = 0; i < ncmd; i++)
			k += all[i]->listed;
		ncmd = k;
	}
	if (!json) {
		printf("px %s (%zu commands)\n", PX_VERSION, ncmd);
		printf("libcurl %s (%s), libssh2 %s, SQLite %s, BearSSL %s, "
		    "jsmn %s, minIni %s, libtickit %s\n", cv->version,
		    cv->ssl_version ? cv->ssl_version : "no TLS",
		    libssh2_version(0), sqlite3_libversion(),
		    PX_BEARSSL_VERSION, PX_JSMN_VERSION, PX_MININI_VERSION,
		    TICKIT_VER);
		printf("built with %s %s: %s\n", COMPILER, __VERSION__,
		    PX_CFLAGS);
		return 0;
	}
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "name", "px");
	jw_kstr(&w, "version", PX_VERSION);
	jw_kint(&w, "commands", (long long)ncmd);
	jw_key(&w, "libraries");
	jw_obj(&w);
	jw_kstr(&w, "libcurl", cv->version);
	jw_kstr(&w, "tls", cv->ssl_version);
	jw_kstr(&w, "libssh2", libssh2_version(0));
	jw_kstr(&w, "sqlite", sqlite3_libversion());
	jw_kstr(&w, "bearssl", PX_BEARSSL_VERSION);
	jw_kstr(&w, "jsmn", PX_JSMN_VERSION);
	jw_kstr(&w, "minini", PX_MININI_VERSION);
	jw_kstr(&w, "libtickit", TICKIT_VER);
	jw_end(&w);
	jw_key(&w, "build");
	jw_obj(&w);
	jw_kstr(&w, "compiler", COMPILER " " __VERSION__);
	jw_kstr(&w, "cflags", PX_CFLAGS);
	jw_kstr(&w, "date", __DATE__);
	jw_end(&w);
	jw_end(&w);
	printf("%s\n", buf_str(&b));
	buf_free(&b);
	return 0;
}
