// A real OpenID Connect provider for the single sign-on tests (node oidc-provider), on 127.0.0.1 only.
//
//   node provider.mjs PORT CONFIG.json
//
// CONFIG.json holds {"clients": [...], "accounts": {"id": {claims}}}; accounts are read again at every login,
// so a test can change a person's groups between two logins. The login and consent pages are the package's
// development pages: any password is accepted for a listed account. Client "short" gets id tokens that live
// one second (the expired-token test).
import fs from 'node:fs';
import Provider from 'oidc-provider';

const [port, configFile] = process.argv.slice(2);
const read = () => JSON.parse(fs.readFileSync(configFile, 'utf8'));

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: read().clients,
  async findAccount(ctx, id) {
    const claims = read().accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ['only-for-the-tests'] },
  ttl: {
    IdToken: (ctx, token, client) => (client && client.clientId === 'short' ? 1 : 600),
    AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600,
  },
});
provider.proxy = false;
const server = provider.listen(Number(port), '127.0.0.1', () => { console.log('ready'); });
process.on('SIGTERM', () => server.close(() => process.exit(0)));
