/**
 * The e-mail notifier: residents' warnings by SMTP. It may deliver the notifications of whichever parties the
 * operator's policy grants it ({@code notifies}); it publishes, reads and actuates nothing.
 */
@PluginScope(notifies = "*")
package nl.regie.notifier.email;

import nl.regie.api.scope.PluginScope;
