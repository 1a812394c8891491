/**
 * The SMS notifier: residents' warnings through an SMS gateway over SMPP 3.4. It may deliver the notifications of
 * whichever parties the operator's policy grants it ({@code notifies}); it publishes, reads and actuates nothing.
 */
@PluginScope(notifies = "*")
package nl.regie.notifier.sms;

import nl.regie.api.scope.PluginScope;
