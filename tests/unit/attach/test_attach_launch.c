/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* RunInstances' DeleteOnTermination (section 1.5): true "only if creating a
 * new network interface when launching an instance"; asked for an existing
 * interface it is refused, not quietly turned into false. */
#include "model_fixture.h"

struct fx {
    eni_ctx *ctx;
    char *before, *after;
    eni_subnet_id subnet;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f || eni_ctx_new(NULL, &f->ctx) != ENI_OK)
        return -1;
    eni_vpc_spec v = ENI_VPC_SPEC_INIT;
    v.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    eni_subnet_spec s = ENI_SUBNET_SPEC_INIT;
    s.availability_zone = "us-east-1a";
    s.cidr_block = "10.0.1.0/24";
    if (eni_vpc_create(f->ctx, &v, &vpc) != ENI_OK)
        return -1;
    s.vpc = vpc;
    if (eni_subnet_create(f->ctx, &s, &f->subnet) != ENI_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eni_ctx_free(f->ctx);
    free(f->before);
    free(f->after);
    free(f);
    return 0;
}

static int launch(struct fx *f, eni_launch_nic *ln, uint32_t n, eni_instance_id *out)
{
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = ln;
    ls.nic_count = n;
    return eni_instance_launch(f->ctx, &ls, out);
}

static void test_1_5_delete_on_termination_true_only_for_new_interfaces(void **state)
{
    struct fx *f = *state;
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = f->subnet;
    eni_nic_id existing;
    MUTATE(f, eni_nic_create(f->ctx, &ns, &existing));
    eni_instance_id inst;

    /* An existing interface with DeleteOnTermination=true: refused. */
    eni_launch_nic ln[2] = {ENI_LAUNCH_NIC_INIT, ENI_LAUNCH_NIC_INIT};
    ln[0].spec = &ns;
    ln[1].existing = existing;
    ln[1].device_index = 1;
    ln[1].flags = ENI_LAUNCH_DELETE_ON_TERMINATION;
    REFUSED(f, launch(f, ln, 2, &inst), ENI_EINVAL, "InvalidParameterCombination");
    /* true and false at once: refused. */
    ln[1].flags = 0;
    ln[0].flags = ENI_LAUNCH_DELETE_ON_TERMINATION | ENI_LAUNCH_KEEP_ON_TERMINATION;
    REFUSED(f, launch(f, ln, 2, &inst), ENI_EINVAL, "InvalidParameterCombination");

    /* Said explicitly for a new one: accepted, and it is true. */
    ln[0].flags = ENI_LAUNCH_DELETE_ON_TERMINATION;
    MUTATE(f, launch(f, ln, 2, &inst));
    eni_attachment_id att[2];
    uint32_t n;
    assert_eni_ok(eni_instance_list_attachments(f->ctx, inst, att, 2, &n));
    assert_int_equal(n, 2);
    for (uint32_t i = 0; i < n; i++) {
        eni_attachment_info ai = ENI_ATTACHMENT_INFO_INIT;
        assert_eni_ok(eni_attachment_describe(f->ctx, att[i], &ai));
        /* the new primary is deleted with the instance, the existing one never */
        assert_int_equal(ai.delete_on_termination, ai.nic.v == existing.v ? 0 : 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_1_5_delete_on_termination_true_only_for_new_interfaces,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
