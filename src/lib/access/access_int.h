/* access_int.h - private helpers shared by the access module's files.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef HV_ACCESS_INT_H
#define HV_ACCESS_INT_H

#include "haven/access.h"

struct hv_store;

#define HV__ACCESS_HASH_LEN 128 /* crypto_pwhash_STRBYTES */

bool hv__access_name_ok(const char *z);
/* Argon2id (interactive limits) of pw as an encoded string. */
HV_MUST_CHECK enum hv_err hv__access_hash_password(const char *pw, char out[HV__ACCESS_HASH_LEN]);
bool hv__access_verify_password(const char *hash, const char *pw);
/* Revokes every live token of user id (inside the caller's transaction). */
HV_MUST_CHECK enum hv_err hv__access_revoke_user(struct hv_ctx *ctx, int64_t id);
/* Fills p->sites from a ';'-list. */
void hv__access_parse_sites(struct hv_principal *p, struct hv_str sites);
/* Resets a cached statement (ends a read that stopped early). */
void hv__access_stmt_release(struct hv_store *st, const char *sql);

#endif
