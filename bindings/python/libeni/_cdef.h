/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* What the Python bindings see of libeni (cffi cdef, API mode).
 *
 * Hand-kept, one section per public header, in eni.h's order. Structs are
 * declared whole, so cffi checks their size and every field offset against
 * the real headers when the extension is compiled; functions are declared
 * with their exact signatures, so a drifted prototype is a C error under
 * -Werror. Constants are "...": their values come from the C headers.
 * tests/python/test_symbols.py checks that every exported eni_* symbol is
 * declared here or listed as deliberately unbound. */

/* ---- eni/version.h ---- */
#define ENI_VERSION_MAJOR ...
#define ENI_VERSION_MINOR ...
#define ENI_VERSION_PATCH ...
uint32_t eni_version(void);
const char *eni_version_string(void);

/* ---- eni/errors.h ---- */
#define ENI_OK ...
#define ENI_EINVAL ...
#define ENI_ENOMEM ...
#define ENI_ENOTFOUND ...
#define ENI_ESTALE ...
#define ENI_EEXIST ...
#define ENI_ESTATE ...
#define ENI_EDEPEND ...
#define ENI_ELIMIT ...
#define ENI_EINUSE ...
#define ENI_EBUSY ...
#define ENI_ETIMEDOUT ...
#define ENI_ENOTSUP ...
#define ENI_EVERSION ...
#define ENI_EBACKEND ...
#define ENI_EUSER ...
#define ENI_EPERM ...
#define ENI_EINTERNAL ...
#define ENI_EIO ...
#define ENI_ECORRUPT ...
typedef struct eni_error {
    int32_t code;
    int32_t os_errno;
    const char *message;
    const char *ec2_code;
} eni_error;
const char *eni_strerror(int code);
const char *eni_err_name(int code);
const char *eni_err_ec2_code(int code);
const eni_error *eni_error_last(void);
void eni_error_clear(void);

/* ---- eni/types.h ---- */
typedef struct eni_ctx eni_ctx;
typedef struct eni_vpc_id { uint64_t v; } eni_vpc_id;
typedef struct eni_subnet_id { uint64_t v; } eni_subnet_id;
typedef struct eni_instance_id { uint64_t v; } eni_instance_id;
typedef struct eni_nic_id { uint64_t v; } eni_nic_id;
typedef struct eni_attachment_id { uint64_t v; } eni_attachment_id;
typedef struct eni_eip_id { uint64_t v; } eni_eip_id;
typedef struct eni_eip_assoc_id { uint64_t v; } eni_eip_assoc_id;
typedef struct eni_sg_id { uint64_t v; } eni_sg_id;
typedef struct eni_sg_rule_id { uint64_t v; } eni_sg_rule_id;
typedef struct eni_prefix_list_id { uint64_t v; } eni_prefix_list_id;
typedef struct eni_acl_id { uint64_t v; } eni_acl_id;
typedef int... eni_kind;
#define ENI_KIND_NONE ...
#define ENI_KIND_VPC ...
#define ENI_KIND_SUBNET ...
#define ENI_KIND_INSTANCE ...
#define ENI_KIND_NIC ...
#define ENI_KIND_ATTACHMENT ...
#define ENI_KIND_EIP ...
#define ENI_KIND_EIP_ASSOC ...
#define ENI_KIND_SG ...
#define ENI_KIND_SG_RULE ...
#define ENI_KIND_PREFIX_LIST ...
#define ENI_KIND_NETWORK_ACL ...
#define ENI_ID_STRING_MAX ...
eni_kind eni_id_kind(uint64_t id);
const char *eni_kind_prefix(eni_kind kind);
int eni_id_format(const eni_ctx *ctx, uint64_t id, char *buf, size_t buflen);
int eni_id_parse(eni_ctx *ctx, const char *str, eni_kind kind, uint64_t *out);

/* ---- eni/ctx.h ---- */
#define ENI_LOG_NONE ...
#define ENI_LOG_ERROR ...
#define ENI_LOG_WARN ...
#define ENI_LOG_INFO ...
#define ENI_LOG_DEBUG ...
#define ENI_LOG_OFF ...
typedef void *(*eni_malloc_cb)(size_t size, void *userdata);
typedef void *(*eni_realloc_cb)(void *ptr, size_t size, void *userdata);
typedef void (*eni_free_cb)(void *ptr, void *userdata);
typedef void (*eni_log_cb)(uint32_t level, const char *message, void *userdata);
typedef struct eni_ctx_opts {
    uint32_t size;
    uint32_t flags;
    uint64_t seed;
    eni_malloc_cb malloc_fn;
    eni_realloc_cb realloc_fn;
    eni_free_cb free_fn;
    void *alloc_userdata;
    eni_log_cb log_fn;
    void *log_userdata;
    uint32_t log_level;
    uint32_t reserved0;
    const char *state_path;
    uint32_t flow_checkpoint_ms;
    uint32_t reserved1;
} eni_ctx_opts;
#define ENI_EVENT_NONE ...
#define ENI_EVENT_USER ...
#define ENI_EVENT_ATTACH_COMPLETED ...
#define ENI_EVENT_ATTACH_FAILED ...
#define ENI_EVENT_DETACH_COMPLETED ...
#define ENI_EVENT_DETACH_FAILED ...
#define ENI_EVENT_INSTANCE_STATE ...
#define ENI_EVENT_LINK_CHANGE ...
#define ENI_EVENT_DEVICE_REMOVED ...
#define ENI_EVENT_RULES_CHANGED ...
#define ENI_EVENT_MEMBERSHIP_CHANGED ...
#define ENI_EVENT_ADDRESSES_CHANGED ...
#define ENI_EVENT_EIP_CHANGED ...
#define ENI_EVENT_REMOTE_MEMBERS_CHANGED ...
#define ENI_EVENT_ACL_CHANGED ...
#define ENI_CTX_MODEL_EVENTS ...
typedef struct eni_event {
    uint32_t size;
    uint32_t type;
    uint64_t seq;
    uint64_t subject;
    uint64_t related;
    uint64_t cookie;
    int32_t status;
    int32_t os_errno;
    uint32_t state;
    uint32_t reserved0;
    char ec2_code[64];
} eni_event;
typedef int (*eni_event_cb)(const eni_event *event, void *userdata);
int eni_ctx_opts_init(eni_ctx_opts *opts, size_t size);
int eni_ctx_new(const eni_ctx_opts *opts, eni_ctx **out);
void eni_ctx_free(eni_ctx *ctx);
int eni_ctx_post_user_event(eni_ctx *ctx, uint64_t cookie);
int eni_ctx_poll(eni_ctx *ctx, uint32_t max_events, eni_event_cb cb, void *userdata,
                 uint32_t *delivered);
uint32_t eni_ctx_pending_events(eni_ctx *ctx);
int eni_ctx_event_fd(eni_ctx *ctx, int *fd);
int32_t eni_ctx_timeout_ms(eni_ctx *ctx);
int eni_ctx_wait(eni_ctx *ctx, int32_t max_ms);
extern "Python" void _eni_py_log(uint32_t level, const char *message, void *userdata);
extern "Python" int _eni_py_event(const eni_event *event, void *userdata);

/* ---- eni/instance_type.h ---- */
#define ENI_INSTANCE_TYPE_NAME_MAX ...
#define ENI_MAX_NETWORK_CARDS 64
#define ENI_HYPERVISOR_NONE ...
#define ENI_HYPERVISOR_NITRO ...
#define ENI_HYPERVISOR_XEN ...
#define ENI_ENA_UNSUPPORTED ...
#define ENI_ENA_SUPPORTED ...
#define ENI_ENA_REQUIRED ...
#define ENI_ITYPE_BARE_METAL ...
#define ENI_ITYPE_HVM ...
#define ENI_ITYPE_PARAVIRTUAL ...
#define ENI_ITYPE_IPV6 ...
#define ENI_ITYPE_EFA ...
typedef struct eni_instance_type_info {
    uint32_t size;
    uint32_t flags;
    char name[32];
    uint32_t hypervisor;
    uint32_t ena_support;
    uint32_t max_interfaces;
    uint32_t max_network_cards;
    uint32_t ipv4_per_interface;
    uint32_t ipv6_per_interface;
    uint32_t max_efa_interfaces;
    uint32_t default_tcp_established_timeout;
    uint32_t default_udp_stream_timeout;
    uint32_t default_udp_timeout;
    uint32_t card_max_interfaces[64];
} eni_instance_type_info;
int eni_instance_type_lookup(const char *name, eni_instance_type_info *out);
uint32_t eni_instance_type_count(void);
int eni_instance_type_at(uint32_t index, eni_instance_type_info *out);

/* ---- eni/model.h ---- */
#define ENI_IP_STRING_MAX ...
#define ENI_CIDR_STRING_MAX ...
typedef struct eni_quotas {
    uint32_t size;
    uint32_t eips;
    uint32_t nics;
    uint32_t security_groups;
    uint32_t rules_per_group;
    uint32_t groups_per_nic;
    uint32_t acl_rules;
    uint32_t acls_per_vpc;
    uint32_t cidr_blocks_per_vpc;
    uint32_t ipv6_cidr_blocks_per_vpc;
} eni_quotas;
int eni_ctx_get_quotas(eni_ctx *ctx, eni_quotas *out);
int eni_ctx_set_quotas(eni_ctx *ctx, const eni_quotas *quotas);
int eni_ctx_check(eni_ctx *ctx);
int eni_ctx_dump(eni_ctx *ctx, char *buf, size_t buflen, size_t *needed);
int eni_ctx_model_generation(eni_ctx *ctx, uint64_t *out);

/* ---- eni/vpc.h ---- */
#define ENI_AZ_NAME_MAX ...
#define ENI_VPC_AMAZON_IPV6 ...
typedef struct eni_vpc_spec {
    uint32_t size;
    uint32_t flags;
    const char *cidr_block;
    const char *ipv6_cidr_block;
    const char *id;
    const char *default_group_id;
    const char *default_acl_id;
} eni_vpc_spec;
typedef struct eni_vpc_info {
    uint32_t size;
    uint32_t subnet_count;
    eni_vpc_id id;
    eni_sg_id default_group;
    char cidr_block[52];
    char ipv6_cidr_block[52];
    uint32_t group_count;
    uint32_t reserved0;
} eni_vpc_info;
#define ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH ...
#define ENI_SUBNET_ASSIGN_IPV6_ON_CREATION ...
typedef struct eni_subnet_spec {
    uint32_t size;
    uint32_t flags;
    eni_vpc_id vpc;
    const char *availability_zone;
    const char *cidr_block;
    const char *ipv6_cidr_block;
    const char *id;
} eni_subnet_spec;
typedef struct eni_subnet_info {
    uint32_t size;
    uint32_t flags;
    eni_subnet_id id;
    eni_vpc_id vpc;
    char availability_zone[32];
    char cidr_block[52];
    char ipv6_cidr_block[52];
    uint64_t available_ip_count;
    uint32_t nic_count;
    uint32_t reserved0;
} eni_subnet_info;
int eni_vpc_create(eni_ctx *ctx, const eni_vpc_spec *spec, eni_vpc_id *out);
int eni_vpc_delete(eni_ctx *ctx, eni_vpc_id vpc);
int eni_vpc_describe(eni_ctx *ctx, eni_vpc_id vpc, eni_vpc_info *out);
int eni_vpc_list(eni_ctx *ctx, eni_vpc_id *out, uint32_t cap, uint32_t *count);
int eni_subnet_create(eni_ctx *ctx, const eni_subnet_spec *spec, eni_subnet_id *out);
int eni_subnet_delete(eni_ctx *ctx, eni_subnet_id subnet);
int eni_subnet_describe(eni_ctx *ctx, eni_subnet_id subnet, eni_subnet_info *out);
int eni_subnet_set_flags(eni_ctx *ctx, eni_subnet_id subnet, uint32_t flags);
int eni_subnet_list(eni_ctx *ctx, eni_vpc_id vpc, eni_subnet_id *out, uint32_t cap,
                    uint32_t *count);
int eni_vpc_associate_cidr_block(eni_ctx *ctx, eni_vpc_id vpc, const char *cidr,
                                 uint32_t flags, char *out);
int eni_vpc_disassociate_cidr_block(eni_ctx *ctx, eni_vpc_id vpc, const char *cidr);
int eni_vpc_get_cidr_blocks(eni_ctx *ctx, eni_vpc_id vpc, char *out, uint32_t cap,
                            uint32_t *count);

/* ---- eni/sg.h ---- */
#define ENI_SG_TEXT_MAX ...
#define ENI_REMOTE_SOURCE_MAX ...
#define ENI_REMOTE_MEMBERS_MAX ...
#define ENI_INGRESS ...
#define ENI_EGRESS ...
#define ENI_PEER_CIDR ...
#define ENI_PEER_GROUP ...
#define ENI_PEER_PREFIX_LIST ...
#define ENI_PROTO_ALL ...
typedef int... eni_direction;
typedef struct eni_sg_spec {
    uint32_t size;
    uint32_t flags;
    eni_vpc_id vpc;
    const char *name;
    const char *description;
    const char *id;
} eni_sg_spec;
typedef struct eni_remote_members {
    uint32_t size;
    uint32_t flags;
    const char *const *addresses;
    const char *const *prefixes;
    uint32_t address_count;
    uint32_t prefix_count;
} eni_remote_members;
typedef struct eni_sg_rule_spec {
    uint32_t size;
    uint32_t peer_kind;
    int32_t protocol;
    int32_t from_port;
    int32_t to_port;
    uint32_t reserved0;
    const char *cidr;
    eni_sg_id group;
    eni_prefix_list_id prefix_list;
    const char *description;
} eni_sg_rule_spec;
typedef struct eni_sg_rule_info {
    uint32_t size;
    uint32_t direction;
    eni_sg_rule_id id;
    eni_sg_id group;
    uint32_t peer_kind;
    int32_t protocol;
    int32_t from_port;
    int32_t to_port;
    char cidr[52];
    uint32_t family;
    uint32_t reserved0;
    eni_sg_id peer_group;
    eni_prefix_list_id prefix_list;
    char description[256];
} eni_sg_rule_info;
typedef struct eni_sg_info {
    uint32_t size;
    uint32_t is_default;
    eni_sg_id id;
    eni_vpc_id vpc;
    char name[256];
    char description[256];
    uint32_t ingress_count;
    uint32_t egress_count;
    uint32_t nic_count;
    uint32_t referenced_by;
} eni_sg_info;
typedef struct eni_prefix_list_spec {
    uint32_t size;
    uint32_t family;
    const char *name;
    uint32_t max_entries;
    uint32_t reserved0;
    const char *id;
} eni_prefix_list_spec;
typedef struct eni_prefix_list_info {
    uint32_t size;
    uint32_t family;
    eni_prefix_list_id id;
    char name[256];
    uint32_t max_entries;
    uint32_t entry_count;
    uint32_t referenced_by;
    uint32_t reserved0;
} eni_prefix_list_info;
int eni_sg_create(eni_ctx *ctx, const eni_sg_spec *spec, eni_sg_id *out);
int eni_sg_delete(eni_ctx *ctx, eni_sg_id sg);
int eni_sg_describe(eni_ctx *ctx, eni_sg_id sg, eni_sg_info *out);
int eni_sg_list(eni_ctx *ctx, eni_vpc_id vpc, eni_sg_id *out, uint32_t cap, uint32_t *count);
int eni_sg_authorize(eni_ctx *ctx, eni_sg_id sg, eni_direction direction,
                     const eni_sg_rule_spec *rules, uint32_t n, eni_sg_rule_id *ids_out);
int eni_sg_revoke(eni_ctx *ctx, eni_sg_id sg, eni_direction direction,
                  const eni_sg_rule_spec *rules, uint32_t n);
int eni_sg_revoke_rules(eni_ctx *ctx, eni_sg_id sg, const eni_sg_rule_id *rules, uint32_t n);
int eni_sg_list_rules(eni_ctx *ctx, eni_sg_id sg, uint32_t direction, eni_sg_rule_id *out,
                      uint32_t cap, uint32_t *count);
int eni_sg_rule_describe(eni_ctx *ctx, eni_sg_rule_id rule, eni_sg_rule_info *out);
int eni_sg_rule_modify(eni_ctx *ctx, eni_sg_rule_id rule, const eni_sg_rule_spec *spec);
int eni_sg_rule_set_description(eni_ctx *ctx, eni_sg_rule_id rule, const char *description);
int eni_prefix_list_create(eni_ctx *ctx, const eni_prefix_list_spec *spec,
                           eni_prefix_list_id *out);
int eni_prefix_list_delete(eni_ctx *ctx, eni_prefix_list_id pl);
int eni_prefix_list_modify(eni_ctx *ctx, eni_prefix_list_id pl, const char *const *add,
                           uint32_t add_count, const char *const *remove, uint32_t remove_count);
int eni_prefix_list_describe(eni_ctx *ctx, eni_prefix_list_id pl, eni_prefix_list_info *out);
int eni_prefix_list_get_entries(eni_ctx *ctx, eni_prefix_list_id pl, char *out, uint32_t cap,
                                uint32_t *count);
int eni_prefix_list_list(eni_ctx *ctx, eni_prefix_list_id *out, uint32_t cap, uint32_t *count);
int eni_sg_set_remote_members(eni_ctx *ctx, eni_sg_id sg, const char *source,
                              const char *const *addresses, uint32_t n);
int eni_sg_set_remote(eni_ctx *ctx, eni_sg_id sg, const char *source,
                      const eni_remote_members *members);
int eni_sg_clear_remote_members(eni_ctx *ctx, eni_sg_id sg, const char *source);
int eni_ctx_clear_remote_source(eni_ctx *ctx, const char *source, uint32_t *groups);
int eni_sg_list_remote_sources(eni_ctx *ctx, eni_sg_id sg, char *out, uint32_t cap,
                               uint32_t *count);
int eni_sg_get_remote_members(eni_ctx *ctx, eni_sg_id sg, const char *source, char *out,
                              uint32_t cap, uint32_t *count);
int eni_sg_get_remote_prefixes(eni_ctx *ctx, eni_sg_id sg, const char *source, char *out,
                               uint32_t cap, uint32_t *count);

/* ---- eni/acl.h ---- */
#define ENI_ACL_RULE_MIN ...
#define ENI_ACL_RULE_MAX ...
#define ENI_ACL_ALLOW ...
#define ENI_ACL_DENY ...
typedef struct eni_acl_spec {
    uint32_t size;
    uint32_t flags;
    eni_vpc_id vpc;
    const char *id;
} eni_acl_spec;
typedef struct eni_acl_info {
    uint32_t size;
    uint32_t is_default;
    eni_acl_id id;
    eni_vpc_id vpc;
    uint32_t ingress_count;
    uint32_t egress_count;
    uint32_t subnet_count;
    uint32_t reserved0;
} eni_acl_info;
typedef struct eni_acl_entry_spec {
    uint32_t size;
    uint32_t direction;
    uint32_t rule_number;
    uint32_t rule_action;
    int32_t protocol;
    int32_t from_port;
    int32_t to_port;
    int32_t icmp_type;
    int32_t icmp_code;
    uint32_t reserved0;
    const char *cidr;
} eni_acl_entry_spec;
typedef struct eni_acl_entry_info {
    uint32_t size;
    uint32_t direction;
    eni_acl_id acl;
    uint32_t rule_number;
    uint32_t rule_action;
    int32_t protocol;
    int32_t from_port;
    int32_t to_port;
    int32_t icmp_type;
    int32_t icmp_code;
    uint32_t family;
    char cidr[52];
    uint32_t reserved0;
} eni_acl_entry_info;
int eni_acl_create(eni_ctx *ctx, const eni_acl_spec *spec, eni_acl_id *out);
int eni_acl_delete(eni_ctx *ctx, eni_acl_id acl);
int eni_acl_describe(eni_ctx *ctx, eni_acl_id acl, eni_acl_info *out);
int eni_acl_list(eni_ctx *ctx, eni_vpc_id vpc, eni_acl_id *out, uint32_t cap, uint32_t *count);
int eni_acl_create_entry(eni_ctx *ctx, eni_acl_id acl, const eni_acl_entry_spec *entry);
int eni_acl_replace_entry(eni_ctx *ctx, eni_acl_id acl, const eni_acl_entry_spec *entry);
int eni_acl_delete_entry(eni_ctx *ctx, eni_acl_id acl, uint32_t direction,
                         uint32_t rule_number);
int eni_acl_list_entries(eni_ctx *ctx, eni_acl_id acl, uint32_t direction, uint32_t *out,
                         uint32_t cap, uint32_t *count);
int eni_acl_get_entry(eni_ctx *ctx, eni_acl_id acl, uint32_t direction, uint32_t rule_number,
                      eni_acl_entry_info *out);
int eni_acl_replace_association(eni_ctx *ctx, eni_subnet_id subnet, eni_acl_id acl);
int eni_acl_list_subnets(eni_ctx *ctx, eni_acl_id acl, eni_subnet_id *out, uint32_t cap,
                         uint32_t *count);
int eni_subnet_get_acl(eni_ctx *ctx, eni_subnet_id subnet, eni_acl_id *out);

/* ---- eni/nic.h ---- */
#define ENI_NIC_DESCRIPTION_MAX ...
#define ENI_NIC_INTERFACE ...
#define ENI_NIC_EFA ...
#define ENI_NIC_EFA_ONLY ...
#define ENI_NIC_TRUNK ...
#define ENI_NIC_AVAILABLE ...
#define ENI_NIC_ATTACHING ...
#define ENI_NIC_IN_USE ...
#define ENI_NIC_DETACHING ...
#define ENI_ASSIGN_ALLOW_REASSIGNMENT ...
#define ENI_NIC_SPEC_NO_IPV6 ...
typedef struct eni_conntrack_timeouts {
    uint32_t tcp_established;
    uint32_t udp_stream;
    uint32_t udp;
} eni_conntrack_timeouts;
typedef struct eni_nic_spec {
    uint32_t size;
    uint32_t type;
    eni_subnet_id subnet;
    const char *description;
    const char *private_ip;
    const char *const *secondary_ips;
    uint32_t secondary_ip_list_len;
    uint32_t secondary_ip_count;
    const char *const *ipv6_addresses;
    uint32_t ipv6_list_len;
    uint32_t ipv6_count;
    const eni_sg_id *groups;
    uint32_t group_count;
    uint32_t flags;
    eni_conntrack_timeouts conntrack;
    uint32_t reserved0;
    const char *id;
} eni_nic_spec;
typedef struct eni_nic_info {
    uint32_t size;
    uint32_t type;
    eni_nic_id id;
    eni_subnet_id subnet;
    eni_vpc_id vpc;
    uint8_t mac[6];
    uint8_t source_dest_check;
    uint8_t reserved0;
    uint32_t status;
    char mac_string[18];
    char private_ip[48];
    char public_ip[48];
    char description[256];
    uint32_t ipv4_count;
    uint32_t ipv6_count;
    uint32_t group_count;
    uint32_t reserved1;
    eni_instance_id instance;
    eni_attachment_id attachment;
    eni_conntrack_timeouts conntrack;
    uint32_t reserved2;
} eni_nic_info;
typedef struct eni_nic_address {
    char address[48];
    uint32_t family;
    uint32_t primary;
    eni_eip_id eip;
    char public_ip[48];
} eni_nic_address;
typedef struct eni_nic_filter {
    uint32_t size;
    uint32_t status_mask;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    eni_instance_id instance;
    eni_sg_id group;
} eni_nic_filter;
int eni_nic_create(eni_ctx *ctx, const eni_nic_spec *spec, eni_nic_id *out);
int eni_nic_delete(eni_ctx *ctx, eni_nic_id nic);
int eni_nic_describe(eni_ctx *ctx, eni_nic_id nic, eni_nic_info *out);
int eni_nic_get_addresses(eni_ctx *ctx, eni_nic_id nic, eni_nic_address *out, uint32_t cap,
                          uint32_t *count);
int eni_nic_get_groups(eni_ctx *ctx, eni_nic_id nic, eni_sg_id *out, uint32_t cap,
                       uint32_t *count);
int eni_nic_list(eni_ctx *ctx, const eni_nic_filter *filter, eni_nic_id *out, uint32_t cap,
                 uint32_t *count);
int eni_nic_set_description(eni_ctx *ctx, eni_nic_id nic, const char *description);
int eni_nic_set_source_dest_check(eni_ctx *ctx, eni_nic_id nic, uint32_t enabled);
int eni_nic_set_groups(eni_ctx *ctx, eni_nic_id nic, const eni_sg_id *groups, uint32_t n);
int eni_nic_set_conntrack_timeouts(eni_ctx *ctx, eni_nic_id nic,
                                   const eni_conntrack_timeouts *timeouts);
int eni_nic_assign_private_ips(eni_ctx *ctx, eni_nic_id nic, const char *const *ips, uint32_t n,
                               uint32_t count, uint32_t flags);
int eni_nic_unassign_private_ips(eni_ctx *ctx, eni_nic_id nic, const char *const *ips,
                                 uint32_t n);
int eni_nic_assign_ipv6(eni_ctx *ctx, eni_nic_id nic, const char *const *ips, uint32_t n,
                        uint32_t count);
int eni_nic_unassign_ipv6(eni_ctx *ctx, eni_nic_id nic, const char *const *ips, uint32_t n);
int eni_nic_assign_prefixes(eni_ctx *ctx, eni_nic_id nic, uint32_t family,
                            const char *const *prefixes, uint32_t n, uint32_t count);
int eni_nic_unassign_prefixes(eni_ctx *ctx, eni_nic_id nic, const char *const *prefixes,
                              uint32_t n);
int eni_nic_get_prefixes(eni_ctx *ctx, eni_nic_id nic, uint32_t family, char *out,
                         uint32_t cap, uint32_t *count);

/* ---- eni/instance.h ---- */
#define ENI_INSTANCE_PENDING ...
#define ENI_INSTANCE_RUNNING ...
#define ENI_INSTANCE_SHUTTING_DOWN ...
#define ENI_INSTANCE_TERMINATED ...
#define ENI_INSTANCE_STOPPING ...
#define ENI_INSTANCE_STOPPED ...
#define ENI_VIRT_HVM ...
#define ENI_VIRT_PARAVIRTUAL ...
#define ENI_PLATFORM_LINUX ...
#define ENI_PLATFORM_WINDOWS ...
#define ENI_INSTANCE_NO_ENA_SUPPORT ...
typedef struct eni_instance_spec {
    uint32_t size;
    uint32_t flags;
    const char *instance_type;
    eni_subnet_id subnet;
    uint32_t virtualization;
    uint32_t platform;
    uint32_t reserved0;
    const char *id;
} eni_instance_spec;
typedef struct eni_instance_info {
    uint32_t size;
    uint32_t state;
    eni_instance_id id;
    eni_subnet_id subnet;
    eni_vpc_id vpc;
    char instance_type[32];
    uint32_t virtualization;
    uint32_t platform;
    uint32_t ena_support;
    uint32_t ena_active;
    uint32_t efa_capable;
    uint32_t nic_count;
} eni_instance_info;
typedef struct eni_instance_filter {
    uint32_t size;
    uint32_t reserved0;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    uint64_t state_mask;
} eni_instance_filter;
int eni_instance_create(eni_ctx *ctx, const eni_instance_spec *spec, eni_instance_id *out);
int eni_instance_set_state(eni_ctx *ctx, eni_instance_id instance, uint32_t state);
int eni_instance_set_ena_support(eni_ctx *ctx, eni_instance_id instance, uint32_t enabled);
int eni_instance_delete(eni_ctx *ctx, eni_instance_id instance);
int eni_instance_describe(eni_ctx *ctx, eni_instance_id instance, eni_instance_info *out);
int eni_instance_list(eni_ctx *ctx, const eni_instance_filter *filter, eni_instance_id *out,
                      uint32_t cap, uint32_t *count);

/* ---- eni/eip.h ---- */
#define ENI_EIP_NO_REASSOCIATION ...
typedef struct eni_eip_info {
    uint32_t size;
    uint32_t reserved0;
    eni_eip_id id;
    char public_ip[48];
    eni_eip_assoc_id association;
    eni_nic_id nic;
    char private_ip[48];
    eni_instance_id instance;
} eni_eip_info;
int eni_eip_allocate(eni_ctx *ctx, eni_eip_id *out);
int eni_eip_allocate_id(eni_ctx *ctx, const char *allocation_id, eni_eip_id *out);
int eni_eip_release(eni_ctx *ctx, eni_eip_id eip);
int eni_eip_associate(eni_ctx *ctx, eni_eip_id eip, eni_nic_id nic, const char *private_ip,
                      uint32_t flags, eni_eip_assoc_id *out);
int eni_eip_disassociate(eni_ctx *ctx, eni_eip_assoc_id association);
int eni_eip_describe(eni_ctx *ctx, eni_eip_id eip, eni_eip_info *out);
int eni_eip_list(eni_ctx *ctx, eni_eip_id *out, uint32_t cap, uint32_t *count);

/* ---- eni/attach.h ---- */
#define ENI_ATTACHMENT_ATTACHING ...
#define ENI_ATTACHMENT_ATTACHED ...
#define ENI_ATTACHMENT_DETACHING ...
#define ENI_ATTACHMENT_DETACHED ...
#define ENI_DETACH_FORCE ...
#define ENI_LAUNCH_KEEP_ON_TERMINATION ...
#define ENI_LAUNCH_PUBLIC_IP ...
#define ENI_LAUNCH_NO_PUBLIC_IP ...
#define ENI_LAUNCH_DELETE_ON_TERMINATION ...
typedef struct eni_attachment_info {
    uint32_t size;
    uint32_t status;
    eni_attachment_id id;
    eni_nic_id nic;
    eni_instance_id instance;
    uint32_t device_index;
    uint32_t network_card_index;
    uint32_t kind;
    uint32_t delete_on_termination;
    uint32_t link_up;
    uint32_t reserved0;
} eni_attachment_info;
typedef struct eni_launch_nic {
    uint32_t size;
    uint32_t device_index;
    uint32_t network_card_index;
    uint32_t flags;
    eni_nic_id existing;
    const eni_nic_spec *spec;
} eni_launch_nic;
typedef struct eni_launch_spec {
    uint32_t size;
    uint32_t flags;
    const char *instance_type;
    uint32_t virtualization;
    uint32_t platform;
    const eni_launch_nic *nics;
    uint32_t nic_count;
    uint32_t reserved0;
    const char *instance_id;
} eni_launch_spec;
int eni_nic_attach(eni_ctx *ctx, eni_nic_id nic, eni_instance_id instance, uint32_t device_index,
                   uint32_t network_card_index, eni_attachment_id *attachment);
int eni_nic_detach(eni_ctx *ctx, eni_attachment_id attachment, uint32_t flags);
int eni_attachment_describe(eni_ctx *ctx, eni_attachment_id attachment, eni_attachment_info *out);
int eni_attachment_set_delete_on_termination(eni_ctx *ctx, eni_attachment_id attachment,
                                             uint32_t enabled);
int eni_instance_launch(eni_ctx *ctx, const eni_launch_spec *spec, eni_instance_id *out);
int eni_instance_list_attachments(eni_ctx *ctx, eni_instance_id instance, eni_attachment_id *out,
                                  uint32_t cap, uint32_t *count);
int eni_ctx_set_op_timeout(eni_ctx *ctx, uint64_t timeout_ns);

/* ---- eni/eval.h ---- */
#define ENI_PKT_FRAGMENT ...
#define ENI_PKT_ICMP_ERROR ...
#define ENI_PKT_FIRST_FRAGMENT ...
#define ENI_PKT_INNER_ICMP_TYPE ...
#define ENI_DIR_INBOUND ...
#define ENI_DIR_OUTBOUND ...
#define ENI_DROP ...
#define ENI_ALLOW ...
#define ENI_REASON_RULE ...
#define ENI_REASON_TRACKED ...
#define ENI_REASON_RELATED_ICMP ...
#define ENI_REASON_UNTRACKED ...
#define ENI_REASON_SERVICE ...
#define ENI_REASON_NO_RULE ...
#define ENI_REASON_SRC_DST_CHECK ...
#define ENI_REASON_NOT_ATTACHED ...
#define ENI_REASON_CONNTRACK_FULL ...
#define ENI_REASON_MALFORMED ...
#define ENI_REASON_ACL_DENY ...
#define ENI_EVAL_WANT_RULE ...
#define ENI_EVAL_L3 ...
typedef struct eni_pkt {
    uint8_t family;
    uint8_t proto;
    uint8_t tcp_flags;
    uint8_t flags;
    uint8_t icmp_type;
    uint8_t icmp_code;
    uint8_t inner_proto;
    uint8_t inner_icmp_type;
    uint16_t sport;
    uint16_t dport;
    uint16_t inner_sport;
    uint16_t inner_dport;
    uint32_t len;
    uint8_t src[16];
    uint8_t dst[16];
    uint8_t inner_src[16];
    uint8_t inner_dst[16];
} eni_pkt;
typedef struct eni_verdict {
    uint8_t action;
    uint8_t reason;
    uint16_t reserved0;
    uint32_t reserved1;
    eni_sg_id group;
    eni_sg_rule_id rule;
} eni_verdict;
typedef struct eni_eval_worker eni_eval_worker;
typedef struct eni_eval_counters {
    uint32_t size;
    uint32_t reserved0;
    uint64_t packets;
    uint64_t allowed;
    uint64_t dropped;
    uint64_t by_reason[21];
    uint64_t flows_created;
    uint64_t conntrack_allowance_exceeded;
    uint64_t acl_denied;
} eni_eval_counters;
typedef struct eni_conntrack_stats {
    uint32_t size;
    uint32_t reserved0;
    uint64_t tracked;
    uint64_t allowance;
    uint64_t conntrack_allowance_available;
    uint64_t conntrack_allowance_exceeded;
} eni_conntrack_stats;
typedef struct eni_eval_memory {
    uint32_t size;
    uint32_t reserved0;
    uint64_t rules_bytes;
    uint64_t acl_bytes;
    uint64_t flow_bytes;
    uint64_t snapshot_bytes;
} eni_eval_memory;
typedef struct eni_flow_info {
    uint8_t family;
    uint8_t proto;
    uint8_t initiator;
    uint8_t state;
    uint16_t local_port;
    uint16_t remote_port;
    uint8_t local[16];
    uint8_t remote[16];
    uint64_t expires_ns;
} eni_flow_info;
int eni_eval_worker_new(eni_ctx *ctx, eni_eval_worker **out);
void eni_eval_worker_free(eni_eval_worker *worker);
int eni_eval_worker_counters(const eni_eval_worker *worker, eni_eval_counters *out);
int eni_eval_burst(eni_eval_worker *worker, eni_nic_id nic, uint32_t dir, const eni_pkt *pkts,
                   uint32_t n, uint64_t now_ns, uint32_t flags, eni_verdict *out);
int eni_eval_burst_dirs(eni_eval_worker *worker, eni_nic_id nic, const uint8_t *dirs,
                        const eni_pkt *pkts, uint32_t n, uint64_t now_ns, uint32_t flags,
                        eni_verdict *out);
int eni_eval_frames(eni_eval_worker *worker, eni_nic_id nic, uint32_t dir,
                    const uint8_t *const *frames, const uint32_t *lens, uint32_t n,
                    uint64_t now_ns, uint32_t flags, eni_verdict *out);
int eni_eval_frames_dirs(eni_eval_worker *worker, eni_nic_id nic, const uint8_t *dirs,
                         const uint8_t *const *frames, const uint32_t *lens, uint32_t n,
                         uint64_t now_ns, uint32_t flags, eni_verdict *out);
#define ENI_EXPLAIN_TEXT_MAX ...
int eni_eval_explain(eni_ctx *ctx, eni_nic_id nic, uint32_t dir, const eni_pkt *pkt,
                     uint64_t now_ns, eni_verdict *verdict, char *text, size_t textlen);
int eni_nic_set_conntrack_allowance(eni_ctx *ctx, eni_nic_id nic, uint32_t max_flows);
int eni_nic_get_conntrack(eni_ctx *ctx, eni_nic_id nic, eni_conntrack_stats *out);
int eni_nic_get_eval_memory(eni_ctx *ctx, eni_nic_id nic, eni_eval_memory *out);
int eni_instance_set_conntrack_allowance(eni_ctx *ctx, eni_instance_id instance,
                                         uint32_t max_flows);
int eni_instance_get_conntrack(eni_ctx *ctx, eni_instance_id instance, eni_conntrack_stats *out);
int eni_nic_list_flows(eni_ctx *ctx, eni_nic_id nic, uint64_t now_ns, eni_flow_info *out,
                       uint32_t cap, uint32_t *count);
int eni_nic_sweep_flows(eni_ctx *ctx, eni_nic_id nic, uint64_t now_ns, uint32_t *removed);
int eni_pkt_parse(const uint8_t *frame, uint32_t len, eni_pkt *out);
int eni_pkt_parse_ip(const uint8_t *packet, uint32_t len, eni_pkt *out);

/* ---- eni/sys/backend.h (the parts a Python user needs) ---- */
#define ENI_ATTACH_COLD ...
#define ENI_ATTACH_HOT ...
#define ENI_ATTACH_WARM ...
typedef struct eni_backend_ops eni_backend_ops;
typedef struct eni_backend_device {
    uint32_t size;
    uint32_t link_up;
    char bus_address[32];
    uint8_t mac[6];
    uint8_t reserved[2];
    uint32_t vendor_id;
    uint32_t device_id;
} eni_backend_device;
int eni_ctx_set_backend(eni_ctx *ctx, const eni_backend_ops *ops, const char *config);
const char *eni_ctx_backend_name(eni_ctx *ctx);
int eni_attachment_get_device(eni_ctx *ctx, eni_attachment_id attachment,
                              eni_backend_device *out);

/* ---- eni/sys/mock.h ---- */
#define ENI_MOCK_IMMEDIATE ...
#define ENI_MOCK_AFTER_POLLS ...
#define ENI_MOCK_AFTER_TIME ...
#define ENI_MOCK_OP_ATTACH ...
#define ENI_MOCK_OP_DETACH ...
#define ENI_MOCK_FAIL_SYNC ...
typedef struct eni_mock_config {
    uint32_t size;
    uint32_t latency;
    uint32_t polls;
    uint32_t reserved0;
    uint64_t delay_ns;
} eni_mock_config;
typedef struct eni_mock_counters {
    uint32_t size;
    uint32_t devices;
    uint64_t attach_calls;
    uint64_t detach_calls;
    uint64_t completions;
    uint64_t failures;
    uint64_t drops;
    uint64_t removals;
} eni_mock_counters;
const eni_backend_ops *eni_mock_backend_ops(void);
int eni_mock_configure(eni_ctx *ctx, const eni_mock_config *config);
int eni_mock_fail_nth(eni_ctx *ctx, uint32_t op, uint32_t n, int32_t os_errno, uint32_t flags);
int eni_mock_drop_nth(eni_ctx *ctx, uint32_t op, uint32_t n);
int eni_mock_remove_device(eni_ctx *ctx, eni_attachment_id attachment);
int eni_mock_adopt_device(eni_ctx *ctx, eni_attachment_id attachment, uint32_t nic_type);
int eni_mock_set_link(eni_ctx *ctx, eni_attachment_id attachment, uint32_t up);
int eni_mock_get_counters(eni_ctx *ctx, eni_mock_counters *out);

/* ---- eni/sys/vfio.h ---- */
#define ENI_PCI_ENA_PF ...
#define ENI_PCI_ENA_VF ...
#define ENI_PCI_EFA_VF ...
#define ENI_VFIO_READY ...
#define ENI_VFIO_NOT_BOUND ...
#define ENI_VFIO_NO_IOMMU_GROUP ...
#define ENI_VFIO_SHARED_GROUP ...
#define ENI_VFIO_NO_PERMISSION ...
#define ENI_VFIO_NO_DEVICE_NODE ...
#define ENI_VFIO_ROOT_MAX ...
#define ENI_VFIO_FOREIGN_ROOT ...
#define ENI_VFIO_FAKE_SYSFS ...
typedef struct eni_vfio_function {
    uint32_t size;
    uint32_t type;
    char address[16];
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint8_t llq;
    uint16_t reserved0;
    int32_t iommu_group;
    int32_t numa_node;
    char driver[32];
    uint32_t sriov_total_vfs;
    uint32_t sriov_num_vfs;
    char physfn[16];
    uint32_t group_devices;
    uint32_t noiommu;
    uint32_t readiness;
    uint32_t reserved1;
} eni_vfio_function;
int eni_vfio_list_functions(const char *sysfs_root, const char *dev_root, eni_vfio_function *out,
                            uint32_t cap, uint32_t *count);
int eni_vfio_bind(const char *sysfs_root, const char *address);
int eni_vfio_release(const char *sysfs_root, const char *address);
int eni_vfio_bind_flags(const char *sysfs_root, const char *address, uint32_t flags);
int eni_vfio_release_flags(const char *sysfs_root, const char *address, uint32_t flags);
const eni_backend_ops *eni_vfio_backend_ops(void);

/* ---- eni/names.h ---- */
const char *eni_instance_state_name(uint32_t state);
const char *eni_nic_type_name(uint32_t type);
const char *eni_nic_status_name(uint32_t status);
const char *eni_attachment_status_name(uint32_t status);
const char *eni_attach_kind_name(uint32_t kind);
const char *eni_event_type_name(uint32_t type);
const char *eni_log_level_name(uint32_t level);
const char *eni_direction_name(uint32_t direction);
const char *eni_eval_dir_name(uint32_t dir);
const char *eni_action_name(uint32_t action);
const char *eni_reason_name(uint32_t reason);
const char *eni_kind_name(uint32_t kind);
const char *eni_acl_rule_action_name(uint32_t action);

/* ---- eni/state.h ---- */
#define ENI_STATE_OPEN ...
#define ENI_STATE_BATCH ...
#define ENI_STATE_BROKEN ...
#define ENI_STATE_RECONCILE ...
typedef struct eni_state_info {
    uint32_t size;
    uint32_t flags;
    uint32_t schema;
    uint32_t library_schema;
    uint64_t objects_loaded;
    uint64_t flows_loaded;
    uint64_t commits;
    uint64_t rows_written;
} eni_state_info;
int eni_ctx_get_state_info(eni_ctx *ctx, eni_state_info *out);
int eni_ctx_save_flows(eni_ctx *ctx, uint64_t now_ns, uint64_t *saved);
int eni_ctx_batch_begin(eni_ctx *ctx);
int eni_ctx_batch_end(eni_ctx *ctx);
int eni_ctx_reconcile(eni_ctx *ctx, uint32_t *completed, uint32_t *rolled_back);
