import type { Child, FC } from 'hono/jsx';
import type { ApplicationBranding } from '../../config';

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 34rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; }
  h1 { font-size: 1.5rem; }
  fieldset { border: 1px solid #d0d7de; border-radius: 6px; margin: 1rem 0; padding: 0.75rem 1rem; }
  legend { font-weight: 600; padding: 0 0.25rem; }
  label { display: block; margin: 0.4rem 0; }
  input[type=text] { width: 100%; padding: 0.4rem; font-size: 1rem; box-sizing: border-box; }
  .hint { color: #57606a; font-size: 0.9rem; }
  .error { background: #ffebe9; border: 1px solid #ff8182; border-radius: 6px; padding: 0.75rem 1rem; }
  .ok { background: #dafbe1; border: 1px solid #4ac26b; border-radius: 6px; padding: 0.75rem 1rem; }
  button { font-size: 1rem; padding: 0.5rem 1.25rem; border-radius: 6px; border: 1px solid #1f883d; background: #1f883d; color: white; cursor: pointer; }
  input:disabled { background: #f6f8fa; }
  .requester { display: flex; align-items: center; gap: 0.75rem; }
  .requester img { border-radius: 8px; }
`;

const Layout: FC<{ title: string; children: Child }> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title}</title>
      <style>{STYLE}</style>
    </head>
    <body>
      <main>{children}</main>
    </body>
  </html>
);

export interface ConnectFormValues {
  permission: 'read' | 'read_write';
  accountId: string;
  allAccounts: boolean;
}

/** Who is asking, and which DocuSign they would reach. */
export interface ConnectAudience {
  application: ApplicationBranding;
  /** The DocuSign environment's name: demo, production or sandbox. */
  environment: string;
}

const ENVIRONMENT_LABEL: Record<string, string> = {
  demo: 'DocuSign demo (developer accounts, account-d.docusign.com)',
  production: 'DocuSign (production, account.docusign.com)',
  sandbox: 'the built-in DocuSign sandbox (simulated, no real DocuSign account)',
};

/** The hosted connect page: who asks and for which DocuSign, the permission level, then one account or all. */
export const ConnectPage: FC<{
  action: string;
  values: ConnectFormValues;
  audience: ConnectAudience;
  error?: string | null;
}> = ({ action, values, audience, error }) => (
  <Layout title="Connect DocuSign">
    <header class="requester">
      {audience.application.logoUrl ? (
        <img src={audience.application.logoUrl} alt="" width="48" height="48" />
      ) : null}
      <p>
        <strong id="application-name">{audience.application.name}</strong> asks for access to your DocuSign
        account.
      </p>
    </header>
    <h1>Connect your DocuSign account</h1>
    <p class="hint" id="docusign-environment">
      You will sign in to {ENVIRONMENT_LABEL[audience.environment] ?? `DocuSign (${audience.environment})`}.
    </p>
    {error ? (
      <p class="error" role="alert" id="form-error">
        {error}
      </p>
    ) : null}
    <form method="post" action={action}>
      <fieldset>
        <legend>What may this application do?</legend>
        <label>
          <input type="radio" name="permission" value="read" checked={values.permission === 'read'} /> Read
          <span class="hint"> (see users, envelopes and templates)</span>
        </label>
        <label>
          <input
            type="radio"
            name="permission"
            value="read_write"
            checked={values.permission === 'read_write'}
          />{' '}
          Read and take actions
          <span class="hint"> (also send, void and resend envelopes, create and close users)</span>
        </label>
      </fieldset>
      <fieldset>
        <legend>Which DocuSign accounts?</legend>
        <label for="account_id">DocuSign API Account ID (optional)</label>
        <input
          type="text"
          id="account_id"
          name="account_id"
          value={values.accountId}
          disabled={values.allAccounts}
          autocomplete="off"
          aria-describedby="account-hint"
        />
        <p class="hint" id="account-hint">
          Leave empty to use your default account. The API Account ID is in DocuSign under Settings, Apps and
          Keys.
        </p>
        <label>
          <input
            type="checkbox"
            id="all_accounts"
            name="all_accounts"
            value="true"
            checked={values.allAccounts}
          />{' '}
          Sync all accounts
        </label>
      </fieldset>
      <button type="submit">Continue to DocuSign</button>
    </form>
    <script
      // A constant script of ours: JSX would HTML-escape its arrows, so it is inserted as is.
      dangerouslySetInnerHTML={{
        __html: `
      // The two account choices exclude each other; the server enforces it too.
      const all = document.getElementById('all_accounts');
      const id = document.getElementById('account_id');
      const sync = () => { id.disabled = all.checked; if (all.checked) id.value = ''; };
      all.addEventListener('change', sync);
      id.addEventListener('input', () => { if (id.value) all.checked = false; });
      sync();
    `,
      }}
    />
  </Layout>
);

/** A page that ends the flow with a message (success or a problem the user can act on). */
export const MessagePage: FC<{
  title: string;
  message: string;
  kind: 'ok' | 'error';
  detail?: string | null;
}> = ({ title, message, kind, detail }) => (
  <Layout title={title}>
    <h1>{title}</h1>
    <p class={kind} role={kind === 'error' ? 'alert' : 'status'}>
      {message}
    </p>
    {detail ? <p class="hint">{detail}</p> : null}
  </Layout>
);
