/*
 * replay FILE...: each file through a fuzz harness's
 * LLVMFuzzerTestOneInput, the way libFuzzer hands it an input, without
 * libFuzzer: make builds every harness with it (gcc, and under make asan
 * with ASan/UBSan), and tests/cli/fuzz-replay.t feeds it the corpora of
 * tests/fuzz/corpus, the inputs that once crashed among them.  A harness
 * aborts on what it finds wrong; a crash is a signal.  Prints how many
 * inputs it ran; exit 2 for a file it cannot read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int
main(int argc, char **argv)
{
	int i, ran = 0;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *p = NULL;
		size_t n = 0, cap = 0, got;

		if (f == NULL) {
			perror(argv[i]);
			return 2;
		}
		do {
			if (n == cap) {
				unsigned char *q;

				cap = cap ? cap * 2 : 4096;
				if ((q = realloc(p, cap)) == NULL)
					abort();
				p = q;
			}
			got = fread(p + n, 1, cap - n, f);
			n += got;
		} while (got > 0);
		if (ferror(f)) {
			perror(argv[i]);
			fclose(f);
			free(p);
			return 2;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(p, n);
		free(p);
		ran++;
	}
	printf("%d inputs\n", ran);
	return 0;
}
