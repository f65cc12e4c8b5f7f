"""`hris-hub score ...`: try resumes and interviews by hand."""

import click


@click.group("score")
def score_group():
    """Parse and match resumes, score interviews and code (no database needed)."""


def _register():
    from scoring_engine.cli_code import code_command
    from scoring_engine.cli_interview import interview_command
    from scoring_engine.cli_resume import resume_command

    score_group.add_command(resume_command)
    score_group.add_command(interview_command)
    score_group.add_command(code_command)


_register()
