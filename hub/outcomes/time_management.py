"""The time-management dimension and question an attendance proposal adds to a competency model that lacks them.

A starting point for HR to reword before approving (the draft shows it in full); the anchors follow the
shipped models' BARS style: five levels, a description and an example answer in Chinese and English."""

from __future__ import annotations

KEY = "time_management"

DIMENSION = {
    "key": KEY,
    "name": {"zh": "时间管理", "en": "Time management"},
    "suggestion": {
        "zh": "讲清楚你如何安排时间：怎样排优先级、预估工作量、按时到岗和交付，出现延误时如何提前沟通。",
        "en": "Explain how you plan your time: how you prioritise, estimate work, arrive and deliver on time, "
        "and warn people early when something slips.",
    },
    "bars": [
        {
            "level": 1,
            "description": {"zh": "经常迟到或拖延，没有计划。", "en": "Often late or behind, with no plan."},
            "examples": {
                "zh": ["我一般想到哪做到哪，迟一点也没关系。"],
                "en": ["I just do things as they come; being a bit late is fine."],
            },
        },
        {
            "level": 2,
            "description": {
                "zh": "有时有计划，但常被打乱，补救靠加班。",
                "en": "Plans sometimes, but plans slip and overtime makes up for it.",
            },
            "examples": {
                "zh": ["我会列个待办，但经常来不及，最后熬夜赶完。"],
                "en": ["I keep a to-do list but often run out of time and finish late at night."],
            },
        },
        {
            "level": 3,
            "description": {
                "zh": "按优先级安排工作，基本按时到岗和交付。",
                "en": "Works by priority and is on time for work and deadlines as a rule.",
            },
            "examples": {
                "zh": ["我每天早上按紧急和重要程度排好任务，给会议和通勤留出余量，基本都能按时完成。"],
                "en": [
                    "Each morning I order my tasks by urgency and importance and leave slack for meetings and the commute, so I am usually on time."
                ],
            },
        },
        {
            "level": 4,
            "description": {
                "zh": "预估准确，提前发现风险并沟通调整。",
                "en": "Estimates well, spots risks early and renegotiates in time.",
            },
            "examples": {
                "zh": ["项目中期我发现进度落后两天，提前一周告诉负责人，砍掉一个次要功能，按期上线。"],
                "en": [
                    "Halfway through I saw we were two days behind, told the lead a week ahead, dropped a minor feature and shipped on the date."
                ],
            },
        },
        {
            "level": 5,
            "description": {
                "zh": "帮助团队建立节奏和规则，让大家都能按时。",
                "en": "Sets a rhythm and habits that keep the whole team on time.",
            },
            "examples": {
                "zh": ["我为团队引入每周计划和缓冲时间，站会准时开始，三个月内延期交付从五次降到零次。"],
                "en": [
                    "I introduced weekly planning with buffers and punctual stand-ups; late deliveries fell from five to none in three months."
                ],
            },
        },
    ],
}

QUESTION = {
    "id": "time_management_plan",
    "type": "behavioural",
    "dimensions": [KEY],
    "text": {
        "zh": "请讲一次你同时面对多项任务和固定时间要求（如到岗时间、截止日期）的经历。你如何安排？结果如何？",
        "en": "Tell us about a time you had several tasks and fixed times to keep (start of the workday, deadlines). "
        "How did you plan, and how did it turn out?",
    },
    "expected_star": ["situation", "task", "action", "result"],
    "key_concepts": [
        {"zh": ["优先级", "紧急", "重要"], "en": ["priority", "prioritise", "prioritize", "urgent", "important"]},
        {"zh": ["计划", "日程", "时间表", "提前"], "en": ["plan", "schedule", "calendar", "ahead", "early"]},
        {"zh": ["按时", "准时", "截止", "到岗"], "en": ["on time", "punctual", "deadline", "arrive"]},
        {"zh": ["预估", "缓冲", "余量"], "en": ["estimate", "buffer", "slack"]},
        {"zh": ["沟通", "提醒", "调整"], "en": ["communicate", "warn", "renegotiate", "adjust"]},
    ],
}
