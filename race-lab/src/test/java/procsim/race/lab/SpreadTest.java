package procsim.race.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Median, quartiles (linear interpolation between order statistics) and range of a point's runs. */
class SpreadTest {
    static Stream<Arguments> samples() {
        return Stream.of(
                // values, median, q1, q3, min, max
                Arguments.of(new double[] {0.3}, 0.3, 0.3, 0.3, 0.3, 0.3),
                Arguments.of(new double[] {0.4, 0.2}, 0.3, 0.25, 0.35, 0.2, 0.4),
                Arguments.of(new double[] {5, 1, 3, 2, 4}, 3.0, 2.0, 4.0, 1.0, 5.0),
                Arguments.of(new double[] {1, 2, 3, 4}, 2.5, 1.75, 3.25, 1.0, 4.0),
                Arguments.of(new double[] {0, 0, 0, 10}, 0.0, 0.0, 2.5, 0.0, 10.0));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void quartilesInterpolateBetweenOrderStatistics(double[] values, double median, double q1, double q3, double min,
                                                    double max) {
        Spread s = Spread.of(values);
        assertThat(s.n()).isEqualTo(values.length);
        assertThat(s.median()).isCloseTo(median, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.q1()).isCloseTo(q1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.q3()).isCloseTo(q3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.iqr()).isCloseTo(q3 - q1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.min()).isEqualTo(min);
        assertThat(s.max()).isEqualTo(max);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void theInputIsNotReordered(double[] values) {
        double[] copy = values.clone();
        Spread.of(values);
        assertThat(values).containsExactly(copy);
    }

    @org.junit.jupiter.api.Test
    void noValuesIsAnError() {
        assertThatThrownBy(() -> Spread.of(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
