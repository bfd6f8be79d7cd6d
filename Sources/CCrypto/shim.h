// OpenSSL libcrypto: one-shot SHA-256 and HMAC.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
