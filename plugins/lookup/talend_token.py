# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: talend_token
author:
  - talend_ops.cloud maintainers (@talend-ops)
version_added: 0.1.0
short_description: Bearer token for the Talend Cloud API, from a personal access token or a service account
description:
  - Returns a one-element list holding a bearer token for the Talend Cloud API.
  - With O(token), the token is checked (not empty, not a whole JSON answer, no white space) and
    returned as it is; no request is sent.
  - Otherwise, with O(client_id) and O(client_secret), asks C(POST /security/oauth/token)
    (HTTP Basic auth, C(grant_type=client_credentials), C(audience) = the API base URL of O(region)
    or O(api_url)) for a service account token. Such a token lives 30 minutes.
  - O(token) takes precedence over O(client_id) and O(client_secret). With neither, the lookup
    fails before any request, naming both ways and their environment variables.
  - Every option is read from the lookup's keyword arguments, then from the play variables
    (C(talend_region), C(talend_token), ...), then from the environment variables the modules of
    this collection read (E(TALEND_REGION), E(TALEND_TOKEN), ...).
  - Takes no terms.
options:
  token_cache:
    description:
      - Keep the service account token in a file of the current user and reuse it, in later tasks and
        plays, until shortly before it expires (two minutes before, or a tenth of its lifetime when
        that is shorter). Without it, every evaluation of the lookup asks for a new token.
      - The file is named after a hash of the API base URL and O(client_id), never of the secret;
        it holds the token and its expiry, has mode C(0600), and is written atomically.
      - A token revoked on the Talend side before its expiry stays in the cache until then;
        delete the file (or the directory O(token_cache_dir)) to drop it.
      - Ignored with O(token).
    type: bool
    default: false
    env:
      - name: TALEND_TOKEN_CACHE
    vars:
      - name: talend_token_cache
  token_cache_dir:
    description:
      - Directory of the O(token_cache) files, created with mode C(0700) when missing. It must
        belong to the current user; group and other permissions are removed from it.
      - Defaults to C(talend_ops_cloud) under E(XDG_CACHE_HOME), else C(~/.cache/talend_ops_cloud).
    type: path
    env:
      - name: TALEND_TOKEN_CACHE_DIR
    vars:
      - name: talend_token_cache_dir
extends_documentation_fragment:
  - talend_ops.cloud._tmc
  - talend_ops.cloud._tmc_lookup
notes:
  - The modules of this collection get and renew service account tokens themselves when given
    O(client_id) and O(client_secret) (or E(TALEND_CLIENT_ID) and E(TALEND_CLIENT_SECRET)); prefer that
    for them. A token returned by this lookup is a fixed token to whoever uses it and cannot be renewed;
    use it for other consumers (for example M(ansible.builtin.uri)), right after the lookup runs.
  - Set C(no_log) to V(true) on tasks that put the token in a variable, a header or a file, as the lookup
    cannot hide its result from the task's output.
  - O(timeout), O(retries) and O(rate_limit) apply to the token request; O(max_workers) is unused.
seealso:
  - module: talend_ops.cloud.talend_task_pause
  - module: talend_ops.cloud.talend_task_info
"""

EXAMPLES = r"""
- name: Call an API operation the collection has no module for, with a service account token
  ansible.builtin.uri:
    url: "{{ talend_api_url }}/orchestration/environments"  # talend_api_url: https://api.eu.cloud.talend.com
    headers:
      talend-version: "2021-03"
      Authorization: "Bearer {{ lookup('talend_ops.cloud.talend_token', region='eu') }}"
  no_log: true
  register: environments
  vars:
    # lookups run in the controller: the task keyword 'environment' does not reach them,
    # so give the account as variables (or export TALEND_CLIENT_ID/TALEND_CLIENT_SECRET before the run)
    talend_client_id: "{{ vault_talend_client_id }}"
    talend_client_secret: "{{ vault_talend_client_secret }}"

- name: Reuse one service account token across many tasks of the play
  ansible.builtin.uri:
    url: "{{ talend_api_url }}/orchestration/executables/tasks/{{ item }}"
    headers:
      talend-version: "2021-03"
      Authorization: "Bearer {{ lookup('talend_ops.cloud.talend_token', token_cache=true) }}"
  loop: "{{ task_ids }}"
  no_log: true
  vars:
    talend_client_id: "{{ vault_talend_client_id }}"
    talend_client_secret: "{{ vault_talend_client_secret }}"

- name: A personal access token is passed through unchanged (no request)
  ansible.builtin.set_fact:
    tmc_bearer: "{{ lookup('talend_ops.cloud.talend_token', token=vault_talend_pat) }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description:
    - One-element list holding the bearer token (the value only, without C(Bearer )).
  type: list
  elements: str
"""

from ansible.errors import AnsibleLookupError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import OptionAdapter
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import (
    HAS_REQUESTS,
    client_from_options,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError

display = Display()


class LookupModule(LookupBase):
    """``lookup('talend_ops.cloud.talend_token', **options)`` → ``[access_token]``."""

    def run(self, terms, variables=None, **kwargs):
        """Return ``[token]``: the PAT given, or a service account token (possibly from the cache).

        :raises AnsibleLookupError: terms given, ``requests`` missing, bad options (before any
            request), or the token endpoint refused or failed. Texts never hold a token or a secret.
        """
        if terms:
            raise AnsibleLookupError(
                "talend_ops.cloud.talend_token takes no terms; pass options as keywords, for example "
                "lookup('talend_ops.cloud.talend_token', region='eu')."
            )
        self.set_options(var_options=variables, direct=kwargs)
        if not HAS_REQUESTS:
            raise AnsibleLookupError(missing_required_lib("requests"))
        try:
            client = client_from_options(OptionAdapter.from_plugin(self), warn=display.warning, share_window=False)
        except TalendError as exc:
            raise AnsibleLookupError(str(exc)) from None
        try:
            token = client.auth.bearer(client.send)
        except TalendError as exc:
            raise AnsibleLookupError(str(exc)) from None
        finally:
            client.session.close()
        if client.auth.renewable:
            display.vvv("talend_token: service account token for host %s (%s)"
                        % (client.host, "from the token cache" if client.auth.source == "cache" else "new"))
        return [token]
