"""Messages of the store and the workspace.

Part of the built-in catalogue merged by :func:`shopperkit.messages.builtin_messages`.
"""

from __future__ import annotations

STORE_MESSAGES: dict[str, dict[str, str]] = {
    "store_url_invalid": {
        "en": "'{url}' is not a store address (sqlite:///FILE or postgresql://...)",
        "ar": "'{url}' ليس عنوان مخزن صالحاً (sqlite:///FILE أو postgresql://...)",
    },
    "store_unavailable": {
        "en": "the store cannot be reached: {reason}",
        "ar": "تعذر الوصول إلى المخزن: {reason}",
    },
    "store_busy": {
        "en": "another officer's change kept the store busy for {seconds} s; try again",
        "ar": "ظل المخزن مشغولاً بتغيير موظف آخر لمدة {seconds} ثانية؛ أعد المحاولة",
    },
    "store_outdated": {
        "en": "the store's schema is version {found}, this shopperkit needs {expected}: "
        "run 'shopperkit upgrade' (after a backup)",
        "ar": "إصدار مخطط المخزن {found} وهذا الإصدار من shopperkit يحتاج {expected}: "
        "شغّل 'shopperkit upgrade' (بعد نسخة احتياطية)",
    },
    "store_too_new": {
        "en": "the store's schema is version {found}, newer than this shopperkit knows "
        "({expected}): upgrade shopperkit",
        "ar": "إصدار مخطط المخزن {found} أحدث مما يعرفه هذا الإصدار من shopperkit "
        "({expected}): حدّث shopperkit",
    },
    "draw_exists": {
        "en": "the store already keeps a draw named '{name}'",
        "ar": "يحتفظ المخزن بالفعل بسحب باسم '{name}'",
    },
    "draw_unknown": {
        "en": "the store keeps no draw named '{name}'",
        "ar": "لا يحتفظ المخزن بسحب باسم '{name}'",
    },
    "document_exists": {
        "en": "the store already keeps a file named '{name}'",
        "ar": "يحتفظ المخزن بالفعل بملف باسم '{name}'",
    },
    "document_unknown": {
        "en": "the store keeps no file named '{name}'",
        "ar": "لا يحتفظ المخزن بملف باسم '{name}'",
    },
    "workspace_exists": {
        "en": "this folder is a workspace already ({settings} exists)",
        "ar": "هذا المجلد مساحة عمل بالفعل (الملف {settings} موجود)",
    },
    "workspace_missing": {
        "en": "not a workspace: no shopperkit.toml here or above; make one with "
        "'shopperkit init DIR --programme P', or give --workspace DIR or --db URL",
        "ar": "ليست مساحة عمل: لا يوجد shopperkit.toml هنا أو أعلاه؛ أنشئ واحدة بالأمر "
        "'shopperkit init DIR --programme P' أو مرّر --workspace DIR أو --db URL",
    },
    "workspace_settings_invalid": {
        "en": "the settings need 'programme' and 'database' as text",
        "ar": "تحتاج الإعدادات إلى 'programme' و'database' كنصوص",
    },
    "backup_needs_pg_dump": {
        "en": "{action} works on a SQLite store; back up a PostgreSQL store with pg_dump "
        "and restore it with pg_restore (see docs/workspace.md)",
        "ar": "يعمل {action} على مخزن SQLite؛ انسخ مخزن PostgreSQL احتياطياً بالأداة pg_dump "
        "واستعده بالأداة pg_restore (انظر docs/workspace.md)",
    },
    "backup_invalid": {
        "en": "not a backup of a shopperkit store",
        "ar": "ليست نسخة احتياطية لمخزن shopperkit",
    },
}
