import { useState, type FormEvent } from 'react';
import { stepQuestion, type StepRunOut } from '@tasksgodzilla/client';
import { useConsole } from '../console-context.js';
import { useAction } from '../hooks/use-action.js';

export interface StepQuestionsProps {
  steps: StepRunOut[];
  onAnswered(): void;
}

/** One waiting step: the agent's question (as text) and a form that answers it. */
function StepQuestion({ step, question, onAnswered }: { step: StepRunOut; question: string; onAnswered(): void }) {
  const { client } = useConsole();
  const { busy, run } = useAction();
  const [answer, setAnswer] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(
      `answer-${step.id}`,
      () => client.answerStep(step.id, answer),
      `Answer sent; ${step.step_name} runs again.`,
      () => {
        setAnswer('');
        onAnswered();
      },
    );
  };
  return (
    <form className="stack question" onSubmit={submit} aria-label={`Question from ${step.step_name}`}>
      <p>
        <strong>{step.step_name}</strong> asks:
      </p>
      <pre className="json" data-testid={`step-question-${step.step_index}`}>
        {question}
      </pre>
      <label>
        Answer
        <textarea value={answer} rows={3} onChange={(e) => setAnswer(e.target.value)} />
      </label>
      <div>
        <button type="submit" disabled={busy !== null || answer.trim() === ''}>
          Send answer
        </button>
      </div>
    </form>
  );
}

/** The questions the run's agents asked a person (steps in `needs_input`); nothing when none waits. */
export function StepQuestions({ steps, onAnswered }: StepQuestionsProps) {
  const waiting = steps
    .map((step) => ({ step, question: stepQuestion(step) }))
    .filter((item): item is { step: StepRunOut; question: string } => item.question !== null);
  if (waiting.length === 0) return null;
  return (
    <section aria-label="Questions for you">
      <h4>Waiting for your answer</h4>
      {waiting.map(({ step, question }) => (
        <StepQuestion key={step.id} step={step} question={question} onAnswered={onAnswered} />
      ))}
    </section>
  );
}
