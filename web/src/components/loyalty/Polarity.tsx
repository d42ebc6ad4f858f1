// The sign of a factor: "+" green, "−" red, "0" grey, with the word for screen readers.
import { polarityClass, polaritySign, type Polarity } from '../../loyalty';
import { useI18n } from '../../i18n';

export function PolarityMark({ polarity }: { polarity: Polarity }) {
  const { t } = useI18n();
  const word = polarity === '+' ? t('polarity_pos') : polarity === '-' ? t('polarity_neg') : t('polarity_neu');
  return (
    <span class={`pol ${polarityClass(polarity)}`} title={word} data-polarity={polarity}>
      <span aria-hidden="true">{polaritySign(polarity)}</span>
      <span class="sr-only">{word}</span>
    </span>
  );
}
