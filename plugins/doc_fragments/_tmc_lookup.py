# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this doc fragment is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

from __future__ import annotations


class ModuleDocFragment:
    """Where plugins (not modules) read the connection options of ``talend_ops.cloud._tmc`` from.

    Use it after ``talend_ops.cloud._tmc``: each entry is merged into the option of the same name.
    The environment variables are the ones the modules read; the variables are the play
    variables that ``playbooks/maintenance.yml`` passes to the modules.
    """

    DOCUMENTATION = r"""
options:
  region:
    env:
      - name: TALEND_REGION
    vars:
      - name: talend_region
  api_url:
    env:
      - name: TALEND_API_URL
    vars:
      - name: talend_api_url
  token:
    env:
      - name: TALEND_TOKEN
    vars:
      - name: talend_token
  client_id:
    env:
      - name: TALEND_CLIENT_ID
    vars:
      - name: talend_client_id
  client_secret:
    env:
      - name: TALEND_CLIENT_SECRET
    vars:
      - name: talend_client_secret
  validate_certs:
    env:
      - name: TALEND_VALIDATE_CERTS
    vars:
      - name: talend_validate_certs
  ca_path:
    env:
      - name: TALEND_CA_PATH
    vars:
      - name: talend_ca_path
  timeout:
    vars:
      - name: talend_timeout
  retries:
    vars:
      - name: talend_retries
  rate_limit:
    env:
      - name: TALEND_RATE_LIMIT
    vars:
      - name: talend_rate_limit
  max_workers:
    vars:
      - name: talend_max_workers
"""
