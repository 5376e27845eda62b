"""Quizzes for trainers: questions built from the reports' own statements, each cited exactly,
exported to Moodle (GIFT, XML), CSV or a Markdown handout."""

from assistant.quiz.records import QuestionType, QuizQuestion, QuizResult

__all__ = ["QuestionType", "QuizQuestion", "QuizResult"]
