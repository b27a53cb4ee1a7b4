// Registers the saved-language strategy before any message is rendered.
import '$lib/i18n/locale';
