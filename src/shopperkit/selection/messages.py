"""Messages of cohort selection.

Part of the built-in catalogue merged by :func:`shopperkit.messages.builtin_messages`.
"""

from __future__ import annotations

SELECTION_MESSAGES: dict[str, dict[str, str]] = {
    "quota_value_invalid": {
        "en": "'{value}' is not a whole number of seats or a share such as 0.5 or 50%",
        "ar": "'{value}' ليس عدداً صحيحاً من المقاعد ولا نسبة مثل 0.5 أو 50%",
    },
    "selection_infeasible": {
        "en": "no cohort can meet every quota; these bounds conflict: {conflict}",
        "ar": "لا يمكن لأي مجموعة أن تفي بجميع الحصص؛ هذه الحدود متعارضة: {conflict}",
    },
    "quota_min_above_max": {
        "en": "minimum {min} is above maximum {max}",
        "ar": "الحد الأدنى {min} أعلى من الحد الأقصى {max}",
    },
    "quota_dimension_unknown": {
        "en": "parameter '{name}' names '{dimension}', which is not a diversity dimension "
        "it may bound (known: {known}; residency has citizen_share)",
        "ar": "المعامل '{name}' يذكر '{dimension}' وهو ليس بعداً من أبعاد التنوع التي يمكن "
        "تحديدها (المعروفة: {known}؛ للإقامة citizen_share)",
    },
    "dimension_floor_above_cap": {
        "en": "dimension '{dimension}': the floor of {min} seats per value (dimension_min_seats) "
        "is above its cap of {max} seats",
        "ar": "البعد '{dimension}': الحد الأدنى {min} مقاعد لكل قيمة (dimension_min_seats) "
        "أعلى من الحد الأقصى {max} مقاعد",
    },
    "quota_duplicate": {
        "en": "quota {feature}={value} already appears at {first}",
        "ar": "الحصة {feature}={value} مكررة، ظهرت أولاً في {first}",
    },
    "quotas_empty": {
        "en": "no quotas: give at least one feature,value,min,max row",
        "ar": "لا توجد حصص: أضف سطراً واحداً على الأقل feature,value,min,max",
    },
    "seats_invalid": {
        "en": "seats must be a whole number of at least 1, not {value}",
        "ar": "عدد المقاعد يجب أن يكون عدداً صحيحاً لا يقل عن 1، وليس {value}",
    },
    "seats_missing": {
        "en": "give --seats K with --quotas, or --programme P",
        "ar": "حدد ‎--seats K مع ‎--quotas، أو ‎--programme P",
    },
    "pool_value_unknown": {
        "en": "value '{value}' of '{feature}' has no quota row; known: {known}",
        "ar": "القيمة '{value}' للبعد '{feature}' ليس لها سطر حصة؛ المعروفة: {known}",
    },
    "pool_rows_invalid": {
        "en": "{count} pool row(s) cannot be used; nothing was drawn",
        "ar": "{count} من صفوف المجموعة غير صالحة؛ لم يتم أي سحب",
    },
    "pool_too_small": {
        "en": "the pool has {pool} candidates but {seats} seats must be filled",
        "ar": "المجموعة فيها {pool} مرشحاً لكن يجب شغل {seats} مقعداً",
    },
    "method_unknown": {
        "en": "unknown selection method '{name}'; known: {known}",
        "ar": "طريقة اختيار غير معروفة '{name}'؛ المعروفة: {known}",
    },
    "solver_missing": {
        "en": "the HiGHS solver is not installed: pip install highspy",
        "ar": "أداة الحل HiGHS غير مثبتة: pip install highspy",
    },
    "solver_failed": {
        "en": "the solver stopped without an answer ({status})",
        "ar": "توقفت أداة الحل دون نتيجة ({status})",
    },
    "commitment_mismatch": {
        "en": "the distribution's SHA-256 {actual} differs from the committed {committed}",
        "ar": "بصمة SHA-256 للتوزيع {actual} تختلف عن البصمة المعلنة {committed}",
    },
    "withdraw_not_member": {
        "en": "'{id}' is not a member of the current cohort",
        "ar": "'{id}' ليس عضواً في الفريق الحالي",
    },
    "replacement_impossible": {
        "en": "no one on the waitlist can replace '{id}' and keep every quota",
        "ar": "لا أحد في قائمة الانتظار يمكنه أن يحل محل '{id}' مع الحفاظ على كل الحصص",
    },
    "draw_missing": {
        "en": "no draw here: run 'shopperkit select ... --seed S --out DIR' first",
        "ar": "لا يوجد سحب هنا: شغّل ‎'shopperkit select ... --seed S --out DIR' أولاً",
    },
    "pool_dimensions_missing": {
        "en": "the pool has no value on the quota dimension(s) {dimensions}",
        "ar": "المجموعة ليس فيها قيم لأبعاد الحصص {dimensions}",
    },
    "draw_seats_mismatch": {
        "en": "{seats} seats were asked for, but the quotas were set for {quotas} seats",
        "ar": "طُلب {seats} مقعداً لكن الحصص محددة لـ {quotas} مقعداً",
    },
    "draw_not_revealed": {
        "en": "the draw has no panel yet: reveal it with a seed first",
        "ar": "لم يُسحب الفريق بعد: اكشف السحب ببذرة أولاً",
    },
    "distribution_malformed": {
        "en": "a probability is not a decimal number",
        "ar": "إحدى الاحتمالات ليست عدداً عشرياً",
    },
    "draw_id_unknown": {
        "en": "'{id}' of the draw's cohort or waitlist is not in its pool",
        "ar": "'{id}' من دفعة السحب أو قائمة انتظاره ليس في مجموعته",
    },
    # The checks of verify: each is also the check's name.
    "verify_seed_announced": {
        "en": "the seed is the one announced",
        "ar": "البذرة هي البذرة المعلنة",
    },
    "verify_pool_hash": {
        "en": "pool.csv has the SHA-256 the audit records",
        "ar": "ملف pool.csv له بصمة SHA-256 المسجلة في التدقيق",
    },
    "verify_quotas_hash": {
        "en": "quotas.csv has the SHA-256 the audit records",
        "ar": "ملف quotas.csv له بصمة SHA-256 المسجلة في التدقيق",
    },
    "verify_distribution_hash": {
        "en": "distribution.csv has the SHA-256 the audit records",
        "ar": "ملف distribution.csv له بصمة SHA-256 المسجلة في التدقيق",
    },
    "verify_probabilities_hash": {
        "en": "probabilities.csv has the SHA-256 the audit records",
        "ar": "ملف probabilities.csv له بصمة SHA-256 المسجلة في التدقيق",
    },
    "verify_quotas_used": {
        "en": "the quotas used are the published quotas",
        "ar": "الحصص المستخدمة هي الحصص المنشورة",
    },
    "verify_commitment_repeated": {
        "en": "the audit repeats the commitment",
        "ar": "التدقيق يطابق الالتزام المنشور",
    },
    "verify_distribution_committed": {
        "en": "distribution matches the commitment",
        "ar": "التوزيع يطابق الالتزام المنشور",
    },
    "verify_audit_rule": {
        "en": "the audit names this rule, format, method and seats",
        "ar": "التدقيق يذكر هذه القاعدة والصيغة والطريقة وعدد المقاعد",
    },
    "verify_pool_drawable": {
        "en": "the pool can be drawn from",
        "ar": "يمكن السحب من المجموعة",
    },
    "verify_panels_meet_quotas": {
        "en": "every panel in the distribution meets every quota",
        "ar": "كل فريق في التوزيع يستوفي كل الحصص",
    },
    "verify_distribution_sums": {
        "en": "distribution probabilities sum to 1",
        "ar": "مجموع احتمالات التوزيع يساوي 1",
    },
    "verify_probabilities_listed": {
        "en": "probabilities.csv lists every candidate once, by id",
        "ar": "ملف probabilities.csv يذكر كل مرشح مرة واحدة، مرتباً بالمعرّف",
    },
    "verify_probabilities_agree": {
        "en": "probabilities agree with the distribution",
        "ar": "الاحتمالات تتفق مع التوزيع",
    },
    "verify_seed_draws_panel": {
        "en": "the seed draws the recorded panel",
        "ar": "البذرة تسحب الفريق المسجل",
    },
    "verify_waitlist_order": {
        "en": "the waitlist is in the seed's order",
        "ar": "قائمة الانتظار بالترتيب الذي تعطيه البذرة",
    },
    "verify_replacements": {
        "en": "replacements follow the waitlist",
        "ar": "الاستبدالات تتبع قائمة الانتظار",
    },
    "verify_quota_report": {
        "en": "the quota report counts the cohort",
        "ar": "تقرير الحصص يعدّ أفراد الدفعة",
    },
    "verify_exclusions": {
        "en": "the exclusions are those of the feasibility report",
        "ar": "الاستبعادات هي استبعادات تقرير الجدوى",
    },
    "verify_cohort_file": {
        "en": "the published cohort file lists the cohort",
        "ar": "ملف الدفعة المنشور يذكر أفراد الدفعة",
    },
    "verify_recomputed_distribution": {
        "en": "re-running the lottery gives the same distribution",
        "ar": "إعادة حساب القرعة تعطي التوزيع نفسه",
    },
    "verify_recomputed_probabilities": {
        "en": "re-running the lottery gives the same probabilities",
        "ar": "إعادة حساب القرعة تعطي الاحتمالات نفسها",
    },
    "verify_recomputed_feasibility": {
        "en": "re-checking the quotas gives the same feasibility report",
        "ar": "إعادة فحص الحصص تعطي تقرير الجدوى نفسه",
    },
}
