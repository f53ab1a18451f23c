/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni.h
 * @brief libeni: the EC2 network-interface model of one host, enforced.
 *
 * Include this umbrella header to get every stable libeni API. The
 * backend-author interface (`eni/sys/`) is separate and not included here.
 * See README.md for a tour and docs/ for the guides.
 */
#ifndef ENI_H
#define ENI_H

#include "eni/common.h"
#include "eni/version.h"
#include "eni/errors.h"
#include "eni/types.h"
#include "eni/ctx.h"
#include "eni/instance_type.h"
#include "eni/model.h"
#include "eni/vpc.h"
#include "eni/sg.h"
#include "eni/acl.h"
#include "eni/nic.h"
#include "eni/instance.h"
#include "eni/eip.h"
#include "eni/attach.h"
#include "eni/eval.h"
#include "eni/names.h"
#include "eni/state.h"

#endif /* ENI_H */
