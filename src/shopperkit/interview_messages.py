"""Messages of the committee interview: outcomes and errors in committee scores.

Part of the built-in catalogue merged by :func:`shopperkit.messages.builtin_messages`.
"""

from __future__ import annotations

INTERVIEW_MESSAGES: dict[str, dict[str, str]] = {
    "interview_below_pass_mark": {
        "en": "Mean committee score for '{criterion}' is {score}; the pass mark is {pass_mark}.",
        "ar": "متوسط درجات اللجنة لمعيار '{criterion}' هو {score}؛ ودرجة النجاح {pass_mark}.",
    },
    "interview_overall_below_pass_mark": {
        "en": "Mean committee score is {score}; the pass mark is {pass_mark}.",
        "ar": "متوسط درجات اللجنة {score}؛ ودرجة النجاح {pass_mark}.",
    },
    "interview_majority_failed": {
        "en": "Only {passing} of {members} committee members passed the applicant; "
        "a majority is required.",
        "ar": "اجتاز المتقدمَ {passing} فقط من أصل {members} من أعضاء اللجنة؛ والمطلوب الأغلبية.",
    },
    "interview_criterion_not_scored": {
        "en": "No committee member scored '{criterion}'.",
        "ar": "لم يقيّم أي عضو في اللجنة معيار '{criterion}'.",
    },
    "interview_not_eligible": {
        "en": "Applicant was interviewed but is not eligible at screening ({status}).",
        "ar": "أُجريت مقابلة مع المتقدم لكنه غير مؤهل في مرحلة الفرز ({status}).",
    },
    "interview_missing": {
        "en": "Eligible applicant has no interview scores yet.",
        "ar": "المتقدم المؤهل ليست له درجات مقابلة بعد.",
    },
    "pass_rule_unknown": {
        "en": "unknown interview pass rule '{name}'; known: {known}",
        "ar": "قاعدة نجاح مقابلة غير معروفة '{name}'؛ المعروفة: {known}",
    },
    "score_out_of_range": {
        "en": "score {value} is outside {low} to {high}",
        "ar": "الدرجة {value} خارج النطاق من {low} إلى {high}",
    },
    "criterion_unknown": {
        "en": "unknown interview criterion '{value}'; known: {allowed}",
        "ar": "معيار مقابلة غير معروف '{value}'؛ المعروفة: {allowed}",
    },
    "interview_score_duplicate": {
        "en": "member '{member}' already scored '{criterion}' for this applicant at {first}",
        "ar": "العضو '{member}' قيّم '{criterion}' لهذا المتقدم من قبل في {first}",
    },
    "interview_applicant_unknown": {
        "en": "score for '{id}', who is not among the applicants; reported as not screened",
        "ar": "درجة للمتقدم '{id}' وهو ليس من المتقدمين؛ سُجل بأنه لم يُفحص",
    },
}
