/** Path prefix of the sandbox control API: not a DocuSign path, so no DocuSign client can mistake it for one. */
export const CONTROL_PREFIX = '/__sandbox';
