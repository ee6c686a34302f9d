'use strict';
// Jest (before Node 24.9) cannot require() an ES module, and fastify.inject's light-my-request
// require()s the ESM-only cookie@2 for its `cookies` option. The api tests send no cookies, so this
// stand-in only formats one `name=value` pair the way cookie@2's stringifySetCookie does.
exports.stringifySetCookie = function stringifySetCookie(cookie) {
  return `${cookie.name}=${encodeURIComponent(cookie.value)}`;
};
