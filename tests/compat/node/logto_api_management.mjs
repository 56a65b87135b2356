// Drive Logto's own Management API client (@logto/api's createManagementApi, unmodified) against a Logto
// endpoint over real sockets, as an app's back end would: it gets a client_credentials token from
// LOGTO_ENDPOINT/oidc/token for LOGTO_MANAGEMENT_API_RESOURCE (scope all) and calls /api/*.
//
//   LOGTO_ENDPOINT=http://localhost:PORT LOGTO_M2M_APP_ID=id LOGTO_M2M_APP_SECRET=secret \
//   LOGTO_MANAGEMENT_API_RESOURCE=https://default.logto.app/api LOGTO_EMAIL=user@example.test \
//   LOGTO_ROLE_NAME=reader node logto_api_management.mjs
//
// Steps: create a user, list users (search), update the user, create a user role, assign it, list the
// user's roles, create an organization, add the user as a member, list the members, and a refused call
// (a user that does not exist). Every step runs, whatever the one before answered. Prints one line of
// JSON on stdout: {step: {status, data} | {status, error}}. Any exception exits non-zero.
import { createManagementApi } from '@logto/api/management';

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is required`);
  }
  return value;
}

const { apiClient, clientCredentials } = createManagementApi('default', {
  clientId: env('LOGTO_M2M_APP_ID'),
  clientSecret: env('LOGTO_M2M_APP_SECRET'),
  baseUrl: env('LOGTO_ENDPOINT'),
  apiIndicator: env('LOGTO_MANAGEMENT_API_RESOURCE'),
});

const results = {};

async function step(name, call) {
  const { data, error, response } = await call();
  results[name] = error === undefined ? { status: response.status, data: data ?? null } : { status: response.status, error };
  return data;
}

const email = env('LOGTO_EMAIL');
const user = await step('createUser', () =>
  apiClient.POST('/api/users', { body: { primaryEmail: email, name: 'Node Reader' } })
);
const userId = user?.id ?? 'missing';
await step('listUsers', () => apiClient.GET('/api/users', { params: { query: { search: email } } }));
await step('updateUser', () =>
  apiClient.PATCH('/api/users/{userId}', {
    params: { path: { userId } },
    body: { name: 'Node Reader, updated', customData: { plan: 'pro' } },
  })
);
const role = await step('createRole', () =>
  apiClient.POST('/api/roles', {
    body: { name: env('LOGTO_ROLE_NAME'), description: 'Reads books', type: 'User' },
  })
);
await step('assignRole', () =>
  apiClient.POST('/api/users/{userId}/roles', {
    params: { path: { userId } },
    body: { roleIds: [role?.id ?? 'missing'] },
  })
);
await step('userRoles', () => apiClient.GET('/api/users/{userId}/roles', { params: { path: { userId } } }));
const organization = await step('createOrganization', () =>
  apiClient.POST('/api/organizations', { body: { name: `Readers of ${email}` } })
);
const id = organization?.id ?? 'missing';
await step('addMember', () =>
  apiClient.POST('/api/organizations/{id}/users', { params: { path: { id } }, body: { userIds: [userId] } })
);
await step('members', () => apiClient.GET('/api/organizations/{id}/users', { params: { path: { id } } }));
await step('missingUser', () =>
  apiClient.GET('/api/users/{userId}', { params: { path: { userId: 'no-such-user' } } })
);
const token = await clientCredentials.getAccessToken();
results.token = { scope: token.scope ?? null, expiresInFuture: token.expiresAt > Date.now() / 1000 };
console.log(JSON.stringify(results));
