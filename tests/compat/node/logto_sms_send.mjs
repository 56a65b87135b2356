// Drive Logto's own SMS connectors (@logto/connector-twilio-sms 1.4.4, @logto/connector-http-sms 0.2.1),
// unmodified, against fake_mailgun's Twilio stand-in and HTTP SMS endpoint.
//
//   SMS_CONFIG='{...}' SMS_TO=12015550123 SMS_CODE=123456 TWILIO_API_URL=http://127.0.0.1:PORT \
//     node logto_sms_send.mjs twilio|http TYPE
//
// SMS_CONFIG is the connector's config in the package's own shape; TYPE the Logto template type
// (Register, SignIn, ...). The Twilio package calls https://api.twilio.com: twilio_redirect.mjs (imported
// first) sends that to TWILIO_API_URL. Prints one line of JSON: `{ok: true, statusCode, body}` for an
// accepted send, or `{ok: false, error: {name, code, data}}` for the ConnectorError the connector threw.
import './twilio_redirect.mjs';

import createHttpSms from '@logto/connector-http-sms';
import createTwilioSms from '@logto/connector-twilio-sms';

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is required`);
  }
  return value;
}

const [kind, type] = process.argv.slice(2);
const factories = { twilio: createTwilioSms, http: createHttpSms };
if (!factories[kind] || !type) {
  throw new Error('usage: node logto_sms_send.mjs twilio|http TYPE');
}
const config = JSON.parse(env('SMS_CONFIG'));
const connector = await factories[kind]({ getConfig: async () => config });
let result;
try {
  const response = await connector.sendMessage({
    to: env('SMS_TO'),
    type,
    payload: { code: env('SMS_CODE'), locale: 'en' },
  });
  result = { ok: true, statusCode: response.statusCode, body: response.body };
} catch (error) {
  if (error?.constructor?.name !== 'ConnectorError') {
    throw error;
  }
  result = { ok: false, error: { name: error.constructor.name, code: error.code, data: error.data } };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
