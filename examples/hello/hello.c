/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The smallest libeni program: create a context, check the library version,
 * poll an event, and show how a failure reads. Built as `eni-hello`. */
#include <eni.h>
#include <stdio.h>

static int on_event(const eni_event *ev, void *userdata)
{
    (void)userdata;
    printf("event #%llu: type %u, cookie %llu\n", (unsigned long long)ev->seq, ev->type,
           (unsigned long long)ev->cookie);
    return 0;
}

int main(void)
{
    printf("libeni %s (headers %s)\n", eni_version_string(), ENI_VERSION_STRING);
    if (eni_version() / 10000 != ENI_VERSION_MAJOR) {
        fprintf(stderr, "library major version differs from the headers\n");
        return 1;
    }

    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.seed = 42; /* same seed, same id strings */
    eni_ctx *ctx;
    int rc = eni_ctx_new(&opts, &ctx);
    if (rc != ENI_OK) {
        fprintf(stderr, "eni_ctx_new: %s\n", eni_error_last()->message);
        return 1;
    }

    eni_ctx_post_user_event(ctx, 7);
    uint32_t delivered = 0;
    eni_ctx_poll(ctx, 0, on_event, NULL, &delivered);
    printf("delivered %u event(s)\n", delivered);

    /* Failures carry our code and EC2's. */
    uint64_t id;
    rc = eni_id_parse(ctx, "eni-0123456789abcdef0", ENI_KIND_NIC, &id);
    const eni_error *err = eni_error_last();
    printf("lookup eni-0123456789abcdef0: %s (%s): %s\n", eni_err_name(rc), err->ec2_code,
           err->message);

    eni_ctx_free(ctx);
    return rc == ENI_ENOTFOUND ? 0 : 1;
}
