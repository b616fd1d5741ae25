/*
 * x509.h -- a certificate's fields as PVE's certificates/info shows
 * them (x509.c).
 */
#ifndef PX_SIM_X509_H
#define PX_SIM_X509_H

#define X509_MAXSAN	16
#define X509_SANLEN	256

struct x509_info {
	char fingerprint[96];	/* SHA-256 of the DER, AB:CD:... */
	char subject[512];	/* "/CN=pve1/O=..." */
	char issuer[512];
	long long notbefore, notafter;
	char san[X509_MAXSAN][X509_SANLEN];
	int nsan;
	char keytype[32];	/* rsaEncryption, id-ecPublicKey */
	int keybits;
};

/* The first certificate of pem in x; 0, or -1 when it is none. */
int x509_pem_info(const char *pem, struct x509_info *x);

#endif
