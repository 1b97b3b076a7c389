"""The analysis chat at /analysis/: ask a question, get an answer from the selectors.

Viewers may ask: a question only adds a row to the household's thread, it moves no money.
"""

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from analysis import answers, services
from analysis.intents import MAX_QUESTION
from households.access import viewer_allowed, wants_fragment


class QuestionForm(forms.Form):
    question = forms.CharField(
        label="Ask about your spending",
        max_length=MAX_QUESTION,
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "autofocus": True,
                "placeholder": "How much on groceries last month?",
                "enterkeyhint": "send",
                "autocomplete": "off",
            }
        ),
        error_messages={
            "required": "Type a question, like “How much on groceries last month?”.",
            "max_length": "Keep the question under %(limit_value)d characters (it has %(show_value)d).",
        },
    )


@viewer_allowed
@require_http_methods(["GET", "POST"])
def analysis_chat(request):
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            question, result = services.ask_question(
                household=request.household, user=request.user, text=form.cleaned_data["question"]
            )
            if not wants_fragment(request):
                return redirect(f"{reverse('analysis')}#latest")
            return render(
                request,
                "analysis/chat.html#question-sent",
                {"entry": answers.Entry(question, result), "form": QuestionForm()},
            )
        if wants_fragment(request):
            return render(request, "analysis/chat.html#chat-form", {"form": form, "oob": True})
    entries, examples = answers.thread(household=request.household, user=request.user)
    return render(
        request,
        "analysis/chat.html",
        {"thread": entries, "examples": examples, "form": form},
        status=400 if form.errors else 200,
    )
