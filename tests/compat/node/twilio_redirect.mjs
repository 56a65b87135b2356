// Send what Logto's Twilio connector addresses to https://api.twilio.com to a local Twilio stand-in
// instead (TWILIO_API_URL, e.g. http://127.0.0.1:PORT), without touching the package.
//
// @logto/connector-twilio-sms posts with got, which makes its request with Node's own `https.request`
// (got reads the property of `node:https` at call time, see got's Options#getFallbackRequestFunction).
// Replacing that property in this process routes only api.twilio.com to the stand-in over plain HTTP,
// keeping the method, path, headers and body exactly as the package wrote them. An HTTP(S)_PROXY
// variable would not do: got does not read proxy variables, and a proxy would still need TLS to Twilio.
import http from 'node:http';
import https from 'node:https';

const target = process.env.TWILIO_API_URL;
if (!target) {
  throw new Error('environment variable TWILIO_API_URL is required');
}
const original = https.request;

https.request = function request(url, options, callback) {
  if (url instanceof URL && url.hostname === 'api.twilio.com') {
    const local = new URL(url.pathname + url.search, target);
    const { agent: _httpsAgent, ...plain } = options ?? {};
    return http.request(local, plain, callback);
  }
  return original.call(this, url, options, callback);
};
